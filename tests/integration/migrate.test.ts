/**
 * Migrating the legacy per-mode databases into the shared one (lib/migrate) between real servers:
 * the agent's and the genie's `hive` databases land in the `agent` and `genie` schemas with the same
 * rows and sequence values, owned by the mode's role, indexes (HNSW included) and constraints in
 * place; a dry run and a second run change nothing.
 */
import { strict as assert } from "node:assert";

import { migrate } from "../../src/commands/migrate/migrate-database";
import { type Fingerprint, fingerprint, LEGACY_TABLES } from "../fixtures/legacy";
import { errorCode, withClient } from "./helpers";
import { type MigrationServers, optionsFor, useMigrationServers } from "./migration-servers";

const tablesIn = (servers: MigrationServers, schema: string) =>
    withClient(servers.admin(), async (client) => {
        const { rows } = await client.query<{ name: string; owner: string }>(
            "SELECT relname AS name, pg_get_userbyid(relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = $1 ORDER BY 1",
            [schema],
        );
        return rows;
    });

function migration(servers: MigrationServers) {
    let agentSource: Fingerprint;
    before(async () => (agentSource = await withClient(servers.agent.connection(), (client) => fingerprint(client, "public"))));

    it("--dry-run lists every table, sequence, constraint and index, and changes nothing", async () => {
        const lines: string[] = [];
        const report = await migrate({ ...optionsFor(servers, servers.agent, "agent", lines), dryRun: true });
        assert.deepEqual(report.copied, []);
        const text = lines.join("\n");
        assert.match(text, /schemas public → agent/);
        assert.match(text, /copy\s+public\.documents → agent\.documents: 1000 rows/);
        assert.match(text, /copy\s+public\.chunks → agent\.chunks: 3000 rows/);
        assert.match(text, /sequence\s+public\.documents_id_seq → agent\.documents_id_seq at 1037/);
        assert.match(text, /index\s+agent\.documents_embedding_hnsw \(hnsw\)/);
        assert.match(text, /constraint agent\.chunks chunks_document_id_fkey: foreign key/);
        assert.deepEqual(await tablesIn(servers, "agent"), []);
        assert.deepEqual(await withClient(servers.agent.connection(), (client) => fingerprint(client, "public")), agentSource);
    });

    it("copies the agent's database into schema agent: same rows and sequences, owned by hive_agent", async () => {
        const lines: string[] = [];
        const report = await migrate(optionsFor(servers, servers.agent, "agent", lines));
        assert.deepEqual(report.copied.map((table) => table.table).sort(), LEGACY_TABLES.map((table) => `agent.${table}`).sort());
        assert.match(lines.join("\n"), /copying public\.metrics → agent\.metrics \(3\/3, 1800 rows\)/);
        assert.match(lines.join("\n"), /verified: 3 table\(s\)/);
        // Progress on the way (every chunk here: progressIntervalMs 0), then each slow step.
        assert.match(lines.join("\n"), /^ {2}agent\.chunks: \d+\/3000 rows$/m);
        assert.match(lines.join("\n"), /^ {2}index documents_embedding_hnsw on agent\.documents: [\d.]+ s$/m);
        assert.deepEqual(await withClient(servers.as("agent"), (client) => fingerprint(client, "agent")), agentSource);
        const owners = new Set((await tablesIn(servers, "agent")).map((row) => row.owner));
        assert.deepEqual([...owners], ["hive_agent"]);
        assert.deepEqual(
            await withClient(servers.agent.connection(), (client) => fingerprint(client, "public")),
            agentSource,
            "source untouched",
        );
    });
}

function usable(servers: MigrationServers) {
    it("the copy works for the agent: keys continue, foreign keys hold, the HNSW index answers", async () => {
        await withClient(servers.as("agent"), async (client) => {
            const { rows } = await client.query("INSERT INTO documents (title, embedding) VALUES ('new', '[1,2,3]') RETURNING id");
            assert.equal(rows[0].id, 1038);
            assert.equal(await errorCode(client.query("INSERT INTO chunks (document_id, position) VALUES (999999, 0)")), "23503");
            await client.query("SET enable_seqscan = off");
            const plan = await client.query("EXPLAIN SELECT id FROM documents ORDER BY embedding <-> '[1,1,1]' LIMIT 3");
            assert.match(plan.rows.map((row) => row["QUERY PLAN"]).join("\n"), /documents_embedding_hnsw/);
            await client.query("DELETE FROM documents WHERE id = 1038");
        });
        assert.equal(await errorCode(withClient(servers.as("genie"), (client) => client.query("SELECT 1 FROM agent.documents"))), "42501");
    });
}

function rerun(servers: MigrationServers) {
    it("a second run copies nothing and changes nothing", async () => {
        const before = await withClient(servers.as("agent"), (client) => fingerprint(client, "agent"));
        const lines: string[] = [];
        const report = await migrate(optionsFor(servers, servers.agent, "agent", lines));
        assert.deepEqual([report.copied, report.changed], [[], false]);
        assert.match(lines.join("\n"), /nothing to copy/);
        assert.ok(report.plan.tables.every((table) => table.action === "skip"));
        const after = await withClient(servers.as("agent"), (client) => fingerprint(client, "agent"));
        assert.deepEqual(after.tables, before.tables);
    });
}

describe("migrate: legacy per-mode databases into the shared one", function () {
    this.timeout(600_000);
    const servers = useMigrationServers();
    describe("the first run", () => migration(servers));
    describe("the copy in use", () => usable(servers));
    describe("a second run", () => rerun(servers));
});
