/**
 * What the migration refuses, with nothing changed on either side: a non-empty target table, an
 * unreachable source, bad credentials; and a copy that fails half-way, rolled back. And the command line: a dry run from an app's `.env`, exit
 * codes, and no password in anything it prints.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { migrate, MigrationRefused } from "../../src/commands/migrate/migrate-database";
import { type Fingerprint, fingerprint, LEGACY_DATABASE, LEGACY_USER } from "../fixtures/legacy";
import { runCommandLine } from "../fixtures/run-script";
import { withClient } from "./helpers";
import { type MigrationServers, optionsFor, useMigrationServers } from "./migration-servers";

const genieTables = (servers: MigrationServers) =>
    withClient(servers.as("genie"), async (client) => {
        const { rows } = await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'genie' ORDER BY 1");
        return rows.map((row) => row.tablename as string);
    });

/** An event trigger that makes every CREATE INDEX in the target fail: the migration's last step. */
const FAIL_INDEX_BUILDS = `
CREATE FUNCTION public.hive_test_fail() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'index builds fail here'; END $$;
CREATE EVENT TRIGGER hive_test_fail_index ON ddl_command_end WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION public.hive_test_fail();`;
const ALLOW_INDEX_BUILDS = "DROP EVENT TRIGGER hive_test_fail_index; DROP FUNCTION public.hive_test_fail();";

const genieSource = (servers: MigrationServers) => withClient(servers.genie.connection(), (client) => fingerprint(client, "public"));

async function assertRefused(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
    await assert.rejects(promise, (error: Error) => {
        assert.ok(error instanceof MigrationRefused, String(error));
        assert.match(error.message, /nothing was changed/);
        assert.match(error.message, pattern);
        return true;
    });
}

function refusals(servers: MigrationServers) {
    let source: Fingerprint;
    before(async () => (source = await genieSource(servers)));

    it("refuses to overwrite a non-empty target table", async () => {
        await withClient(servers.as("genie"), (client) =>
            client.query("CREATE TABLE documents (id int); INSERT INTO documents VALUES (1)"),
        );
        await assertRefused(migrate(optionsFor(servers, servers.genie, "genie")), /genie\.documents exists in the target with 1 row\(s\)/);
        assert.deepEqual(await genieTables(servers), ["documents"]);
        assert.deepEqual(await genieSource(servers), source);
        await withClient(servers.as("genie"), (client) => client.query("DROP TABLE documents"));
    });

    it("refuses an unreachable source", async () => {
        const unreachable = { ...servers.genie.connection(), port: 1 };
        await assertRefused(
            migrate({ ...optionsFor(servers, servers.genie, "genie"), source: unreachable }),
            /cannot connect to the source at 127\.0\.0\.1:1\/hive/,
        );
        assert.deepEqual(await genieTables(servers), []);
    });

    it("refuses bad credentials", async () => {
        const wrong = { ...servers.genie.connection(), password: "wrong-password-123" };
        await assertRefused(migrate({ ...optionsFor(servers, servers.genie, "genie"), source: wrong }), /rejects the password for ai/);
        assert.deepEqual(await genieTables(servers), []);
        assert.deepEqual(await genieSource(servers), source);
    });

    it("a copy that fails half-way (after the rows, building an index) leaves the target as it was", async () => {
        await withClient(servers.admin(), (client) => client.query(FAIL_INDEX_BUILDS));
        try {
            await assert.rejects(migrate(optionsFor(servers, servers.genie, "genie")), /index builds fail here/);
        } finally {
            await withClient(servers.admin(), (client) => client.query(ALLOW_INDEX_BUILDS));
        }
        assert.deepEqual(await genieTables(servers), []);
        assert.deepEqual(await genieSource(servers), source);
    });

    it("after the refusals, the genie's database migrates with the same rows and sequences", async () => {
        await migrate(optionsFor(servers, servers.genie, "genie"));
        assert.deepEqual(await withClient(servers.as("genie"), (client) => fingerprint(client, "genie")), source);
    });
}

function commandLine(servers: MigrationServers) {
    let dir: string;
    const file = (name: string) => join(dir, name);
    before(() => {
        dir = mkdtempSync(join(tmpdir(), "hive-migrate-"));
        writeFileSync(file("outputs.json"), JSON.stringify(servers.outputs));
        const password = encodeURIComponent(servers.agent.password);
        const url = `postgresql+psycopg://${LEGACY_USER}:${password}@127.0.0.1:${servers.agent.port}/${LEGACY_DATABASE}`;
        writeFileSync(file("agent.env"), `HIVE_DATABASE_URL=${url}\nHIVE_API_PORT=38886\n`);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("dry-runs from the agent's .env, exit 0, printing the plan and no password", async () => {
        const args = ["--from-env-file", file("agent.env"), "--mode", "agent", "--dry-run", "--outputs", file("outputs.json")];
        const run = await runCommandLine("migrate", args);
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, /copy\s+public\.documents → agent\.documents: 1000 rows/);
        assert.match(run.stdout, /dry run, nothing was changed/);
        const secrets = [servers.agent.password, encodeURIComponent(servers.agent.password), ...Object.values(servers.outputs.libpqUrls)];
        secrets.forEach((secret) => assert.ok(!(run.stdout + run.stderr).includes(secret), "printed a secret"));
    });

    it("exits 2 on a refusal and on an unknown mode", async () => {
        const refused = await runCommandLine("migrate", [
            "--from",
            "postgresql://ai@127.0.0.1:1/hive",
            "--mode",
            "agent",
            "--outputs",
            file("outputs.json"),
        ]);
        assert.equal(refused.code, 2, refused.stderr);
        assert.match(refused.stderr, /cannot connect to the source/);
        const unknown = await runCommandLine("migrate", [
            "--from-env-file",
            file("agent.env"),
            "--mode",
            "nope",
            "--outputs",
            file("outputs.json"),
        ]);
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /--mode nope: the stack's modes are workspace, agent, genie/);
    });
}

describe("migrate: refusals and the command line", function () {
    this.timeout(600_000);
    const servers = useMigrationServers();
    describe("refusals change nothing", () => refusals(servers));
    describe("the command line (src/commands/migrate/main.ts)", () => commandLine(servers));
});
