/**
 * Server mode on the real engine against a managed-style server (tests/integration/managed-server.ts):
 * an admin that is no superuser and may not create event triggers, TLS only, a CA of the test's.
 * With Azure's extension allow-list (`server.profile: azure`), the default layout: a wrong CA or
 * host name stops `up` with nothing changed, then up over verify-full, verify, the apps' startup,
 * rotation, destroy and up again. Without one (`generic`), the profile refuses modes sharing a
 * database up front, and runs them each in their own. One stack per describe, destroyed in `after`.
 */
import { strict as assert } from "node:assert";

import { OWN_DATABASES_CONFIG } from "../fixtures/configs";
import { errorCode, withClient } from "../integration/helpers";
import { type ManagedServer, useManagedServer } from "../integration/managed-server";
import { requirePythonOrSkip } from "../integration/python-client";
import { parseLibpqUrl } from "../../src/commands/verify/targets";
import { verifyStack } from "../../src/commands/verify/verify-stack";
import { validateStackOutputs } from "../../src/commands/common/stack-outputs";
import { bringUp } from "../../src/commands/up/bring-up";
import { assertRowsIntact, assertVerifyPasses, writeRows } from "./data";
import { EngineStack, previewChanges, requireEngineOrSkip } from "./engine";
import { assertAppsStart, assertNothingChanged, assertVerifiedTlsEverywhere } from "./managed-checks";

const quiet = { color: "never" as const };

/** `hive-db:server` for this server: verify-full against `sslrootcert`, with this profile. */
const serverConfig = (server: ManagedServer, profile: string, sslrootcert = server.caFile) => ({
    server: { host: "127.0.0.1", port: server.port, sslmode: "verify-full", sslrootcert, profile },
});

/** A stack over the managed server, as its admin: created in `before` (after the server), disposed in `after`. */
function useManagedStack(managed: { server: ManagedServer }, config: (server: ManagedServer) => Record<string, unknown>): EngineStack {
    const engine = new EngineStack();
    before(async () => {
        await engine.create("managed", { server: true, config: config(managed.server) }, managed.server.admin.password);
    });
    after(() => engine.dispose());
    return engine;
}

/** A wrong CA or host name: `up` stops before it changes anything. */
function wrongCertificates(managed: { server: ManagedServer }, engine: EngineStack): void {
    it("a CA that did not sign the server's certificate stops preview and up, with nothing changed", async () => {
        const refusal = /hive-db:server.sslrootcert: the certificate of 127\.0\.0\.1:\d+ is not signed by a CA in .*other-ca\.crt/;
        await assert.rejects(engine.stack.preview(quiet), refusal);
        await assert.rejects(engine.stack.up(quiet), refusal);
        await assertNothingChanged(engine, managed.server);
    });

    it("a certificate for another host name stops up, with nothing changed", async () => {
        await engine.setConfig(serverConfig(managed.server, "azure"));
        await managed.server.useCertificate("wrong-host");
        try {
            await assert.rejects(
                engine.stack.up(quiet),
                /hive-db:server.host: the certificate of 127\.0\.0\.1:\d+ does not name "127\.0\.0\.1"/,
            );
        } finally {
            await managed.server.useCertificate("right");
        }
        await assertNothingChanged(engine, managed.server);
    });
}

/** Up as the admin over verify-full, verify and the apps. */
function firstUp(managed: { server: ManagedServer }, engine: EngineStack): void {
    it("comes up as the admin over verify-full: no extension guard, every URL, .env body and the provider checking the CA", async () => {
        const result = await engine.stack.up(quiet);
        // The failed attempts before left only the stack itself in the state.
        assert.deepEqual(
            Object.keys(result.summary.resourceChanges ?? {}).filter((op) => op !== "same"),
            ["create"],
        );
        const state = JSON.stringify((await engine.stack.exportStack()).deployment.resources);
        assert.doesNotMatch(state, /ExtensionGuard|docker:/);
        const outputs = await engine.outputs();
        await assertVerifiedTlsEverywhere(engine, outputs, managed.server.caFile);
        await writeRows(outputs);
    });

    it("passes verify: the allow-list refuses the modes every other extension", async () => {
        const outputs = validateStackOutputs(await engine.outputs());
        await assertVerifyPasses(outputs);
        // The first mode of the database (the engine hands the modes over in name order) tries every trusted extension.
        const first = outputs.modeNames.find((mode) => outputs.databases[mode] === outputs.databaseName);
        const row = (await verifyStack(outputs)).find((result) => result.id === "startup-schemas" && result.subject === first);
        assert.match(row?.detail ?? "", /CREATE EXTENSION of \d+ trusted extensions refused$/);
    });

    it("starts the apps from the .env files npm run env writes (SQLAlchemy, psycopg, Alembic)", async function () {
        await requirePythonOrSkip(this);
        await assertAppsStart(await engine.outputs());
    });
}

/** No-change previews, rotation, destroy and up again. */
function dayTwo(engine: EngineStack): void {
    it("previews no changes, with and without a refresh", async () => {
        await engine.stack.preview({ ...quiet, expectNoChanges: true });
        await engine.stack.preview({ ...quiet, expectNoChanges: true, refresh: true });
    });

    it("rotates a password by updating only that mode's role: the old one stops working", async () => {
        const before = await engine.outputs();
        await engine.setConfig({
            modes: {
                workspace: { schemas: ["public", "agno", "hive"] },
                agent: { schemas: ["agent"], apiPortPrefix: 3, passwordRotation: 1 },
                genie: { schemas: ["genie"], apiPortPrefix: 4 },
            },
        });
        assert.deepEqual(await previewChanges(engine), { "hive-database-role-agent": ["update"] });
        await engine.stack.up(quiet);
        const after = await engine.outputs();
        assert.equal(await errorCode(withClient(parseLibpqUrl(before.libpqUrls.agent), (client) => client.query("SELECT 1"))), "28P01");
        await assertRowsIntact(after);
        await assertVerifyPasses(after);
    });

    it("destroy keeps the databases and roles; npm run up takes them over with working credentials", async () => {
        await engine.stack.destroy(quiet);
        await bringUp(engine.stack, { log: () => undefined });
        const outputs = await engine.outputs();
        await assertRowsIntact(outputs);
        await assertVerifyPasses(outputs);
        await engine.stack.preview({ ...quiet, expectNoChanges: true, refresh: true });
    });
}

describe("engine: a managed-style server with an extension allow-list (server.profile azure)", function () {
    this.timeout(900_000);
    // First: without the engine, no server is started at all.
    before(async function () {
        await requireEngineOrSkip(this);
    });
    const managed = useManagedServer({ allowList: ["vector"] });
    const engine = useManagedStack(managed, (server) => serverConfig(server, "azure", server.otherCaFile));

    wrongCertificates(managed, engine);
    firstUp(managed, engine);
    dayTwo(engine);
});

describe("engine: a managed-style server without an allow-list (server.profile generic)", function () {
    this.timeout(900_000);
    // First: without the engine, no server is started at all.
    before(async function () {
        await requireEngineOrSkip(this);
    });
    const managed = useManagedServer();
    const engine = useManagedStack(managed, (server) => serverConfig(server, "generic"));

    it("refuses modes that share a database before any change, naming the key", async () => {
        await assert.rejects(engine.stack.up(quiet), /hive-db:modes\.\w+\.database: shares database "hive" with mode \w+.*citext/);
        await assertNothingChanged(engine, managed.server);
    });

    it("refuses the rds profile before any change: the admin may not create event triggers", async () => {
        await engine.setConfig(serverConfig(managed.server, "rds"));
        await assert.rejects(
            engine.stack.preview(quiet),
            /hive-db:server\.profile: "rds" installs the extension guard.*refuses event triggers to hive_admin/,
        );
        await engine.setConfig(serverConfig(managed.server, "generic"));
    });

    it("runs each mode in its own database: up, and verify passes, saying what a mode may still install there", async () => {
        await engine.setConfig(OWN_DATABASES_CONFIG);
        await engine.stack.up(quiet);
        const outputs = await engine.outputs();
        await assertVerifyPasses(outputs);
        const agent = (await verifyStack(validateStackOutputs(outputs))).find(
            (row) => row.id === "startup-schemas" && row.subject === "agent",
        );
        assert.match(agent?.detail ?? "", /allowed, in its own database hive_agent only/);
        await engine.stack.destroy(quiet);
        await engine.stack.up(quiet);
        await assertVerifyPasses(await engine.outputs());
    });
});
