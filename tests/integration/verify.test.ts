/**
 * verify against a real server of the local image. The database objects come from the SQL fixture
 * (tests/fixtures/hive-fixture.ts); each broken fixture must fail exactly the check meant to catch
 * it, and nothing verify prints may contain a password.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { escapeIdentifier } from "pg";

import { parseConfig } from "../../lib/config";
import { resolveLayout } from "../../lib/layout";
import { libpqUrl } from "../../lib/urls";
import { CHECK_TITLES, type CheckResult, allPassed, validateStackOutputs, verifyStack } from "../../lib/verify/run";
import {
    DEFAULT_LAYOUT,
    type FixtureLayout,
    type OutputsOverrides,
    SHARED_KNOWLEDGE_LAYOUT,
    type Step,
    layoutOutputs,
    layoutSteps,
    resetSteps,
} from "../fixtures/hive-fixture";
import { stackOutputs, stackSteps } from "../fixtures/stack-plan";
import {
    randomPassword,
    removeContainer,
    removeVolume,
    requireDockerOrSkip,
    startPostgres,
    tcpConfig,
    uniqueName,
    waitHealthy,
    withClient,
} from "./helpers";

const HOST = "127.0.0.1";
const key = (result: CheckResult) => `${result.id} ${result.subject}`;
const keysWith = (results: CheckResult[], status: CheckResult["status"]) =>
    results
        .filter((result) => result.status === status)
        .map(key)
        .sort();

/** Every row verify must report for a layout: a pass that skipped a check would show up here. */
function expectedRows(layout: FixtureLayout, port: number): string[] {
    const perMode = (Object.keys(CHECK_TITLES) as Array<keyof typeof CHECK_TITLES>).filter(
        (id) => !["server", "isolation", "public-privileges"].includes(id),
    );
    const names = layout.modes.map((mode) => mode.name);
    return [
        `server ${HOST}:${port}`,
        ...names.flatMap((name) => perMode.map((id) => `${id} ${name}`)),
        ...names.flatMap((other) => names.filter((owner) => owner !== other).map((owner) => `isolation ${other} → ${owner}`)),
        ...[...new Set(layout.modes.map((mode) => mode.database))].map((database) => `public-privileges ${database}`),
    ].sort();
}

function assertNoSecret(text: string, secrets: readonly string[]): void {
    for (const secret of secrets) {
        for (const form of [secret, encodeURIComponent(secret)]) {
            assert.ok(!text.includes(form), "verify printed a password");
        }
    }
}

/** Runs scripts/verify.ts the way `npm run verify` does (ts-node), with `input` on stdin. */
function runCli(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [require.resolve("ts-node/dist/bin.js"), "scripts/verify.ts", ...args], {
            cwd: join(__dirname, "..", ".."),
            stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(input);
    });
}

async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    return port;
}

describe("verify: against a real server", function () {
    this.timeout(600_000);

    const name = uniqueName("verify");
    const volume = uniqueName("verify-data");
    const admin = { user: "hive_admin", password: randomPassword() };
    // Characters URLs must encode, so the URL builders, libpq and the redaction all get exercised.
    const passwords: Record<string, string> = Object.fromEntries(
        ["workspace", "agent", "genie", "shared"].map((mode) => [mode, randomPassword({ special: true })]),
    );
    const secrets = [admin.password, ...Object.values(passwords)];
    let port: number;

    async function runSteps(steps: Step[]): Promise<void> {
        for (const step of steps) {
            await withClient(tcpConfig(port, admin.user, admin.password, step.database), (client) => client.query(step.sql));
        }
    }

    async function applyFixture(layout: FixtureLayout, breakage: Step[] = []): Promise<void> {
        await runSteps([...resetSteps([DEFAULT_LAYOUT, SHARED_KNOWLEDGE_LAYOUT]), ...layoutSteps(layout, passwords), ...breakage]);
    }

    /** Every row verify must report is there (a skipped check would show) and none failed or skipped. */
    function assertEveryRowPasses(results: CheckResult[], layout: FixtureLayout): void {
        assert.deepEqual(results.map(key).sort(), expectedRows(layout, port));
        assert.deepEqual(keysWith(results, "fail").concat(keysWith(results, "skip")), []);
    }

    function outputs(layout: FixtureLayout, overrides: OutputsOverrides = {}, serverPort = port): Record<string, unknown> {
        return layoutOutputs(layout, passwords, { host: HOST, port: serverPort }, overrides);
    }

    async function verify(layout: FixtureLayout, overrides: OutputsOverrides = {}, serverPort = port): Promise<CheckResult[]> {
        const results = await verifyStack(validateStackOutputs(outputs(layout, overrides, serverPort)));
        assertNoSecret(JSON.stringify(results), [...secrets, ...Object.values(overrides.passwords ?? {})]);
        return results;
    }

    before(async function () {
        await requireDockerOrSkip(this);
        port = await startPostgres({ name, volume, env: { POSTGRES_USER: admin.user, POSTGRES_PASSWORD: admin.password } });
        await waitHealthy(name);
    });

    after(async () => {
        await removeContainer(name);
        await removeVolume(volume);
    });

    describe("the default layout (seeds 000-003)", () => {
        it("passes every check on the good fixture, with every row present", async () => {
            await applyFixture(DEFAULT_LAYOUT);
            const results = await verify(DEFAULT_LAYOUT);
            assertEveryRowPasses(results, DEFAULT_LAYOUT);
            assert.ok(allPassed(results));
        });

        const sqlInHive = (sql: string): Step[] => [{ database: "hive", sql }];
        const sqlInPostgres = (sql: string): Step[] => [{ database: "postgres", sql }];

        const brokenCases: Array<{ title: string; breakage?: Step[]; overrides?: () => OutputsOverrides; fails: string[] }> = [
            {
                title: "PUBLIC may CONNECT to hive",
                breakage: sqlInPostgres("GRANT CONNECT ON DATABASE hive TO PUBLIC"),
                fails: ["public-privileges hive"],
            },
            {
                title: "genie gets USAGE on agent's schema and SELECT on agent's new tables",
                breakage: sqlInHive(
                    "GRANT USAGE ON SCHEMA agent TO hive_genie; ALTER DEFAULT PRIVILEGES FOR ROLE hive_agent IN SCHEMA agent GRANT SELECT ON TABLES TO hive_genie",
                ),
                fails: ["isolation genie → agent"],
            },
            {
                title: "genie may write an existing table of agent's",
                breakage: sqlInHive(
                    "CREATE TABLE agent.memories (id int); ALTER TABLE agent.memories OWNER TO hive_agent; GRANT USAGE ON SCHEMA agent TO hive_genie; GRANT INSERT ON agent.memories TO hive_genie",
                ),
                fails: ["isolation genie → agent"],
            },
            {
                title: "the public schema is open to everyone again (the PostgreSQL 14 default)",
                breakage: sqlInHive("GRANT USAGE, CREATE ON SCHEMA public TO PUBLIC"),
                fails: ["isolation agent → workspace", "isolation genie → workspace"],
            },
            {
                title: "hive_agent is a SUPERUSER (which also bypasses isolation)",
                breakage: sqlInPostgres("ALTER ROLE hive_agent SUPERUSER"),
                fails: ["role-attributes agent", "isolation agent → workspace", "isolation agent → genie"],
            },
            {
                title: "hive_genie may CREATEDB",
                breakage: sqlInPostgres("ALTER ROLE hive_genie CREATEDB"),
                fails: ["role-attributes genie"],
            },
            {
                title: "hive_workspace may CREATEROLE",
                breakage: sqlInPostgres("ALTER ROLE hive_workspace CREATEROLE"),
                fails: ["role-attributes workspace"],
            },
            {
                title: "hive_agent has no connection limit",
                breakage: sqlInPostgres("ALTER ROLE hive_agent CONNECTION LIMIT -1"),
                fails: ["role-attributes agent"],
            },
            {
                title: "hive_agent's default search_path is wrong",
                breakage: sqlInPostgres("ALTER ROLE hive_agent SET search_path = public, extensions"),
                fails: ["default-search-path agent"],
            },
            {
                title: "hive_genie has no USAGE on the extensions schema",
                breakage: sqlInHive("REVOKE USAGE ON SCHEMA extensions FROM hive_genie"),
                fails: ["vector genie"],
            },
            {
                title: "the outputs carry a wrong password for agent",
                overrides: () => ({ passwords: { agent: randomPassword({ special: true }) } }),
                fails: ["node-postgres agent", "psql agent"],
            },
            {
                title: "agent's libpq URL has the seeds' unencoded options (libpq rejects it, node-postgres does not)",
                overrides: () => {
                    const url = libpqUrl({
                        host: HOST,
                        port,
                        database: "hive",
                        user: "hive_agent",
                        password: passwords.agent,
                        searchPath: ["agent", "extensions"],
                    });
                    return {
                        libpqUrls: { agent: url.replace(/options=(.*)$/, (_all, value: string) => `options=${decodeURIComponent(value)}`) },
                    };
                },
                fails: ["psql agent"],
            },
            {
                title: "agent's SQLAlchemy URL is not the libpq URL (its options are missing)",
                overrides: () => ({
                    databaseUrls: {
                        agent: (outputs(DEFAULT_LAYOUT, { urlSearchPaths: { agent: [] } }).databaseUrls as Record<string, string>).agent,
                    },
                }),
                fails: ["sqlalchemy-url agent"],
            },
            {
                title: "agent's URL sets a search_path other than the outputs say",
                overrides: () => ({ urlSearchPaths: { agent: ["agent", "public", "extensions"] } }),
                fails: ["search-path agent"],
            },
            {
                title: "workspace's search_path starts with hive, not its first schema public",
                breakage: sqlInPostgres("ALTER ROLE hive_workspace SET search_path = hive, public, agno, extensions"),
                overrides: () => {
                    const path = ["hive", "public", "agno", "extensions"];
                    return { urlSearchPaths: { workspace: path }, outputSearchPaths: { workspace: path } };
                },
                fails: ["own-schema workspace"],
            },
            {
                title: "agent's env file has another API port",
                overrides: () => ({ envApiPorts: { agent: 38887 } }),
                fails: ["env-file agent"],
            },
        ];

        for (const broken of brokenCases) {
            it(`fails exactly on ${broken.fails.join(", ")} when ${broken.title}`, async () => {
                await applyFixture(DEFAULT_LAYOUT, broken.breakage);
                const results = await verify(DEFAULT_LAYOUT, broken.overrides?.());
                assert.deepEqual(keysWith(results, "fail"), [...broken.fails].sort());
                assert.equal(allPassed(results), false);
            });
        }

        it("skips (not passes) what depends on a mode that cannot log in", async () => {
            await applyFixture(DEFAULT_LAYOUT);
            const results = await verify(DEFAULT_LAYOUT, { passwords: { agent: randomPassword() } });
            assert.deepEqual(keysWith(results, "skip"), [
                "default-search-path agent",
                "isolation agent → genie",
                "isolation agent → workspace",
                "isolation genie → agent",
                "isolation workspace → agent",
                "own-schema agent",
                "role-attributes agent",
                "search-path agent",
                "vector agent",
            ]);
        });

        it("fails on the server check alone when nothing listens on the port", async () => {
            const results = await verify(DEFAULT_LAYOUT, {}, await closedPort());
            assert.deepEqual(
                results.map((result) => [result.id, result.status]),
                [["server", "fail"]],
            );
        });

        it("leaves no probe objects behind", async () => {
            await applyFixture(DEFAULT_LAYOUT, sqlInPostgres("ALTER ROLE hive_agent SUPERUSER CREATEDB CREATEROLE"));
            await verify(DEFAULT_LAYOUT);
            const leftovers = await withClient(
                tcpConfig(port, admin.user, admin.password, "hive"),
                async (client) =>
                    (
                        await client.query(
                            `SELECT relname AS name FROM pg_class WHERE relname LIKE 'hive_verify_%'
                 UNION ALL SELECT rolname FROM pg_roles WHERE rolname LIKE 'hive_verify_%'
                 UNION ALL SELECT datname FROM pg_database WHERE datname LIKE 'hive_verify_%'`,
                        )
                    ).rows,
            );
            assert.deepEqual(leftovers, []);
        });
    });

    describe("the seed-004 layout: a shared knowledge database with a reader", () => {
        it("passes: the reader may SELECT, a non-reader may not even CONNECT", async () => {
            await applyFixture(SHARED_KNOWLEDGE_LAYOUT);
            const results = await verify(SHARED_KNOWLEDGE_LAYOUT);
            assertEveryRowPasses(results, SHARED_KNOWLEDGE_LAYOUT);
            const detail = (subject: string) => results.find((result) => result.id === "isolation" && result.subject === subject)?.detail;
            assert.match(detail("workspace → shared") ?? "", /^reader: SELECT allowed/);
            assert.match(detail("agent → shared") ?? "", /CONNECT to knowledge refused/);
        });

        const sqlInKnowledge = (sql: string): Step[] => [{ database: "knowledge", sql }];
        const cases: Array<{ title: string; breakage: Step[]; fails: string[] }> = [
            {
                title: "the reader may also INSERT",
                breakage: sqlInKnowledge(
                    "ALTER DEFAULT PRIVILEGES FOR ROLE hive_shared IN SCHEMA knowledge GRANT INSERT ON TABLES TO hive_workspace",
                ),
                fails: ["isolation workspace → shared"],
            },
            {
                title: "the reader cannot read new tables (no default privileges)",
                breakage: sqlInKnowledge(
                    "ALTER DEFAULT PRIVILEGES FOR ROLE hive_shared IN SCHEMA knowledge REVOKE SELECT ON TABLES FROM hive_workspace",
                ),
                fails: ["isolation workspace → shared"],
            },
            {
                title: "a non-reader may CONNECT to the knowledge database",
                breakage: [{ database: "postgres", sql: `GRANT CONNECT ON DATABASE knowledge TO ${escapeIdentifier("hive_agent")}` }],
                fails: ["isolation agent → shared"],
            },
            {
                // Through PUBLIC, the non-reader agent can CONNECT too: both rows must fail.
                title: "PUBLIC may CONNECT to knowledge",
                breakage: [{ database: "postgres", sql: "GRANT CONNECT ON DATABASE knowledge TO PUBLIC" }],
                fails: ["public-privileges knowledge", "isolation agent → shared"],
            },
        ];
        for (const broken of cases) {
            it(`fails exactly on ${broken.fails.join(", ")} when ${broken.title}`, async () => {
                await applyFixture(SHARED_KNOWLEDGE_LAYOUT, broken.breakage);
                assert.deepEqual(keysWith(await verify(SHARED_KNOWLEDGE_LAYOUT), "fail"), [...broken.fails].sort());
            });
        }
    });

    describe("the stack's own database layer (its privilege plan rendered as the provider's SQL)", () => {
        const configs: Record<string, Record<string, unknown>> = {
            "the default config": {},
            "a seed-004 config: three databases, a shared one read by two others": {
                database: "claude_flow_shared",
                modes: {
                    shared: { schemas: ["public"], role: "shared_user", readers: ["dpg", "qradar"], apiPort: 9001 },
                    dpg: { schemas: ["public", "memory"], role: "dpg_cluster", database: "distributed_postgres_cluster", apiPort: 9002 },
                    qradar: { schemas: ["public"], role: "qradar", database: "qradar_vectors", apiPort: 9003 },
                },
            },
        };
        for (const [title, raw] of Object.entries(configs)) {
            it(`passes every check for ${title}`, async () => {
                const config = parseConfig(Object.fromEntries(Object.entries(raw).map(([k, v]) => [`hive-db:${k}`, JSON.stringify(v)])));
                const layout = resolveLayout(config);
                const modePasswords = Object.fromEntries(layout.modes.map((mode) => [mode.name, randomPassword({ special: true })]));
                const apiKeys = Object.fromEntries(layout.modes.map((mode) => [mode.name, `hive_${mode.name}_${randomPassword()}`]));
                await runSteps([...resetSteps([DEFAULT_LAYOUT, SHARED_KNOWLEDGE_LAYOUT, layout]), ...stackSteps(layout, modePasswords)]);
                const results = await verifyStack(validateStackOutputs(stackOutputs(config, { host: HOST, port }, modePasswords, apiKeys)));
                assertNoSecret(JSON.stringify(results), [...Object.values(modePasswords), ...Object.values(apiKeys)]);
                assertEveryRowPasses(results, layout);
                await runSteps(resetSteps([layout]));
            });
        }
    });

    describe("the command line (scripts/verify.ts)", () => {
        let dir: string;
        before(() => (dir = mkdtempSync(join(tmpdir(), "hive-verify-"))));
        after(() => rmSync(dir, { recursive: true, force: true }));

        it("reads stdin, prints a table of passes and exits 0 on the good fixture", async () => {
            await applyFixture(DEFAULT_LAYOUT);
            const { code, stdout, stderr } = await runCli([], JSON.stringify(outputs(DEFAULT_LAYOUT)));
            assert.equal(code, 0, stderr);
            assert.match(stdout, /^STATUS\s+CHECK\s+SUBJECT\s+DETAIL$/m);
            assert.equal(stdout.match(/^PASS /gm)?.length, expectedRows(DEFAULT_LAYOUT, port).length);
            assertNoSecret(stdout + stderr, secrets);
        });

        it("reads a file argument, exits 1 on a failure and never prints the password", async () => {
            const wrong = randomPassword({ special: true });
            const file = join(dir, "outputs.json");
            writeFileSync(file, JSON.stringify(outputs(DEFAULT_LAYOUT, { passwords: { agent: wrong } })));
            const { code, stdout, stderr } = await runCli([file], "");
            assert.equal(code, 1, stderr);
            assert.match(stdout, /^FAIL\s+libpq URL connects with psql\s+agent\s+.*password authentication failed/m);
            assert.match(stdout, /VERIFY FAILED/);
            assertNoSecret(stdout + stderr, [...secrets, wrong]);
        });

        it("exits 2 and asks for --show-secrets when the secrets are hidden", async () => {
            const hidden = { ...outputs(DEFAULT_LAYOUT), libpqUrls: { workspace: "[secret]", agent: "[secret]", genie: "[secret]" } };
            const { code, stdout, stderr } = await runCli([], JSON.stringify(hidden));
            assert.equal(code, 2);
            assert.equal(stdout, "");
            assert.match(stderr, /--show-secrets/);
        });
    });
});
