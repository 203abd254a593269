/**
 * What the managed-server engine tests (managed.test.ts) check on a stack: that a failed `up`
 * changed nothing, that every connection the stack hands out checks the server's certificate, and
 * that the apps start from the `.env` files `npm run env` writes.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { StackOutputs } from "../../src/stack/model/outputs";
import { runCommandLine } from "../fixtures/run-script";
import type { ManagedServer } from "../integration/managed-server";
import { runAppStartup } from "../integration/python-client";
import type { EngineStack } from "./engine";

/** Nothing of the stack's in the state (but the stack itself) and nothing of it on the server. */
export async function assertNothingChanged(engine: EngineStack, server: ManagedServer): Promise<void> {
    const resources = (await engine.stack.exportStack()).deployment.resources ?? [];
    assert.deepEqual(
        resources.map((resource: { type: string }) => resource.type).filter((type: string) => type !== "pulumi:pulumi:Stack"),
        [],
    );
    const onServer = await server.asOperator(
        "SELECT count(*) FROM pg_database WHERE datname LIKE 'hive%' UNION ALL SELECT count(*) FROM pg_roles WHERE rolname LIKE 'hive\\_%' AND rolname <> 'hive_admin'",
    );
    assert.deepEqual(onServer.split("\n"), ["0", "0"]);
}

/** Every URL and `.env` body checks the certificate against the CA; so does the provider. */
export async function assertVerifiedTlsEverywhere(engine: EngineStack, outputs: StackOutputs, caFile: string): Promise<void> {
    const urls = [outputs.libpqUrls, outputs.databaseUrls].flatMap((map) => Object.values(map));
    assert.equal(urls.length, 2 * outputs.modeNames.length);
    for (const url of urls) {
        const query = new URL(url).searchParams;
        assert.deepEqual([query.get("sslmode"), query.get("sslrootcert")], ["verify-full", caFile]);
    }
    for (const body of Object.values(outputs.envFiles)) {
        assert.match(body, /^PGSSLMODE=verify-full$/m);
        assert.ok(body.includes(`PGSSLROOTCERT=${caFile}`), "the .env body names the CA");
    }
    const providers = (await engine.stack.exportStack()).deployment.resources.filter(
        (resource: { type: string }) => resource.type === "pulumi:providers:postgresql",
    );
    assert.deepEqual(
        providers.map((provider: { inputs: Record<string, unknown> }) => [provider.inputs.sslmode, provider.inputs.sslrootcert]),
        [["verify-full", caFile]],
    );
}

/** Per mode, in order: what its app runs at startup, and the steps that must all pass (tests/integration/apps.test.ts). */
// prettier-ignore
const APPS = [
    { mode: "workspace", args: ["--schemas", "public,agno,hive", "--migrate", "--vectors", "agno"], steps: ["sqlalchemy", "psycopg-pool", "startup-schemas", "alembic", "vectors"] },
    { mode: "agent", args: ["--schemas", "agent", "--vectors", "agent", "--refused", "hive.component_versions", "--refused-migration"], steps: ["sqlalchemy", "psycopg-pool", "startup-schemas", "vectors", "refused hive.component_versions", "refused migration"] },
    { mode: "genie", args: ["--schemas", "genie", "--refused", "agno.knowledge_vectors"], steps: ["sqlalchemy", "psycopg-pool", "startup-schemas", "refused agno.knowledge_vectors"] },
];

/** `npm run env` writes the `.env` files; each app starts from its own with the real Python clients. */
export async function assertAppsStart(outputs: StackOutputs): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), "hive-managed-apps-"));
    try {
        const written = await runCommandLine("env", ["--out", dir], JSON.stringify(outputs));
        assert.equal(written.code, 0, written.stderr);
        for (const app of APPS) {
            const run = await runAppStartup(["--env", join(dir, `${app.mode}.env`), ...app.args]);
            const failed = run.steps.filter((step) => !step.ok).map((step) => `${step.step}: ${step.detail}`);
            assert.deepEqual(failed, [], run.printed);
            assert.deepEqual(
                run.steps.map((step) => step.step),
                app.steps,
                run.printed,
            );
        }
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
