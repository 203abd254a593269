/**
 * The step after `up` on adopted data (src/commands/adopt/ownership.ts) on a real Makefile-era database:
 * before it, the legacy tables are the old admin's and `vector` sits in `public` (verify fails the
 * vector check of agent and genie); after it, each mode owns its schemas' objects and uses them, no
 * other mode can, `vector` is in the extensions schema, verify passes, the old admin's way of
 * working still works, and the data is the same. A second run changes nothing.
 */
import { strict as assert } from "node:assert";

import type { ClientConfig } from "pg";

import { takeOwnership } from "../../src/commands/adopt/ownership";
import type { StackOutputs } from "../../src/stack/model/outputs";
import { verifyStack } from "../../src/commands/verify/verify-stack";
import { DEFAULT_CONFIG, layoutOf } from "../fixtures/configs";
import {
    type Fingerprint,
    fingerprint,
    LEGACY_DATABASE,
    LEGACY_USER,
    legacyDataSql,
    startLegacyContainer,
    WORKSPACE_EXTRAS_SQL,
} from "../fixtures/legacy";
import { outputsFor, stackSteps } from "../fixtures/stack-plan";
import {
    errorCode,
    randomPassword,
    removeContainer,
    removeVolume,
    requireDockerOrSkip,
    tcpConfig,
    uniqueName,
    withClient,
} from "./helpers";

const LAYOUT = layoutOf({ ...DEFAULT_CONFIG, adminUser: LEGACY_USER });

// prettier-ignore
const WORKSPACE_OBJECTS = [
    "TABLE agno.sessions", "TABLE hive.component_versions", "TABLE public.chunks", "TABLE public.documents", "TABLE public.metrics",
    "VIEW public.recent_documents", "SEQUENCE public.ticket_seq", "ROUTINE public.document_count()", "TYPE public.mood",
];

interface AdoptedServer {
    admin(): ClientConfig;
    as(mode: string): ClientConfig;
    outputs(): StackOutputs;
    /** The legacy data before anything happened to it. */
    original: Fingerprint;
}

/** A Makefile-era server with data, and the stack's database layer applied over it as `up` does. */
function useAdoptedServer(): AdoptedServer {
    const name = uniqueName("legacy-owned");
    const password = randomPassword();
    const passwords = Object.fromEntries(LAYOUT.modes.map((mode) => [mode.name, randomPassword({ special: true })]));
    let port = 0;
    const server: AdoptedServer = {
        admin: () => tcpConfig(port, LEGACY_USER, password, LEGACY_DATABASE),
        as: (mode) => tcpConfig(port, `hive_${mode}`, passwords[mode], LEGACY_DATABASE),
        outputs: () => outputsFor(LAYOUT, { host: "127.0.0.1", port }, passwords),
        original: { tables: {}, sequences: {} },
    };
    before(async function () {
        await requireDockerOrSkip(this);
        port = await startLegacyContainer({ name, mount: { volume: name }, password });
        await withClient(server.admin(), (client) => client.query(legacyDataSql("public", 300) + WORKSPACE_EXTRAS_SQL));
        server.original = await withClient(server.admin(), (client) => fingerprint(client, "public"));
        for (const step of stackSteps(LAYOUT, passwords, [LEGACY_DATABASE])) {
            await withClient(tcpConfig(port, LEGACY_USER, password, step.database), (client) => client.query(step.sql));
        }
    });
    after(async () => {
        await removeContainer(name);
        await removeVolume(name);
    });
    return server;
}

function takeover(server: AdoptedServer) {
    it("before it, the mode roles cannot use what they were given and verify fails on vector", async () => {
        assert.equal(
            await errorCode(withClient(server.as("workspace"), (client) => client.query("SELECT count(*) FROM documents"))),
            "42501",
        );
        const failed = (await verifyStack(server.outputs()))
            .filter((row) => row.status !== "pass")
            .map((row) => `${row.id} ${row.subject}`);
        assert.deepEqual(failed.sort(), ["vector agent", "vector genie"]);
    });

    it("gives each mode its schemas' objects and moves vector; nothing else", async () => {
        const report = await withClient(server.admin(), (client) => takeOwnership(client, LAYOUT, LEGACY_DATABASE));
        const changed = report.changed.map((change) => `${change.kind} ${change.object} ${change.from}→${change.to}`);
        assert.deepEqual(
            changed.sort(),
            [
                ...WORKSPACE_OBJECTS.map((object) => `${object} ${LEGACY_USER}→hive_workspace`),
                `TABLE agent.notes ${LEGACY_USER}→hive_agent`,
            ].sort(),
        );
        assert.deepEqual(report.moved, ["vector from public"]);
        assert.deepEqual(await withClient(server.admin(), (client) => fingerprint(client, "public")), server.original);
    });
}

function afterwards(server: AdoptedServer) {
    it("the workspace role reads, writes and numbers its legacy tables; vector answers", async () => {
        await withClient(server.as("workspace"), async (client) => {
            assert.equal((await client.query("SELECT count(*)::int AS n FROM documents")).rows[0].n, 300);
            const { rows } = await client.query("INSERT INTO documents (title, embedding) VALUES ('new', '[1,2,3]') RETURNING id");
            assert.equal(rows[0].id, 338);
            assert.equal((await client.query("SELECT nextval('ticket_seq')::int AS n")).rows[0].n, 110);
            assert.equal((await client.query("SELECT count(*)::int AS n FROM agno.sessions")).rows[0].n, 50);
            await client.query("SELECT title FROM recent_documents, document_count() LIMIT 1");
            await client.query("SELECT id FROM documents ORDER BY embedding <-> '[1,1,1]' LIMIT 1");
        });
    });

    it("the agent owns its own legacy table and cannot touch the workspace's", async () => {
        await withClient(server.as("agent"), async (client) => {
            await client.query("INSERT INTO notes (body, embedding) VALUES ('agent', '[1,1,1]')");
            assert.equal(await errorCode(client.query("SELECT 1 FROM public.documents")), "42501");
            assert.equal(await errorCode(client.query("SELECT 1 FROM agno.sessions")), "42501");
        });
        assert.equal(await errorCode(withClient(server.as("genie"), (client) => client.query("SELECT 1 FROM agent.notes"))), "42501");
    });

    it("verify passes, and the old admin's sessions (no search_path) still find vector", async () => {
        const failed = (await verifyStack(server.outputs())).filter((row) => row.status !== "pass");
        assert.deepEqual(failed, []);
        await withClient(server.admin(), (client) => client.query("SELECT id FROM documents ORDER BY embedding <-> '[1,1,1]' LIMIT 1"));
    });

    it("a second run changes nothing", async () => {
        const report = await withClient(server.admin(), (client) => takeOwnership(client, LAYOUT, LEGACY_DATABASE));
        assert.deepEqual({ changed: report.changed, moved: report.moved }, { changed: [], moved: [] });
    });
}

describe("adopt --finish: each mode owns its legacy objects", function () {
    this.timeout(600_000);
    const server = useAdoptedServer();
    describe("taking the objects over", () => takeover(server));
    describe("afterwards", () => afterwards(server));
});
