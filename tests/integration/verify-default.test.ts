/**
 * verify against a real server carrying the stack's database layer for the default layout: every
 * check passes on it, and each deliberate breakage fails exactly the check meant to catch it.
 */
import { strict as assert } from "node:assert";
import { createServer } from "node:net";

import { libpqUrl } from "../../src/stack/model/urls";
import { allPassed } from "../../src/commands/verify/verify-stack";
import { withEnvApiPort, withLibpqUrl, withSearchPathOutput, withSqlalchemyUrl } from "../fixtures/output-deltas";
import type { Step } from "../fixtures/stack-plan";
import { randomPassword, withClient } from "./helpers";
import {
    type Breakage,
    DEFAULT_LAYOUT,
    expectedRows,
    HOST,
    itFailsExactly,
    keysWith,
    rowKey,
    useVerifyServer,
    type VerifyServer,
} from "./verify-server";

const inHive = (sql: string): Step[] => [{ database: "hive", sql }];
const inPostgres = (sql: string): Step[] => [{ database: "postgres", sql }];

/** The agent URL with another search_path in its options. */
const agentUrl = (server: VerifyServer, searchPath: string[]) =>
    libpqUrl({ host: HOST, port: server.port, database: "hive", user: "hive_agent", password: server.passwords.agent, searchPath });

// prettier-ignore
const BREAKAGES: Breakage[] = [
    { title: "PUBLIC may CONNECT to hive", sql: inPostgres("GRANT CONNECT ON DATABASE hive TO PUBLIC"), fails: ["public-privileges hive"] },
    {
        title: "genie gets USAGE on agent's schema and SELECT on agent's new tables",
        sql: inHive("GRANT USAGE ON SCHEMA agent TO hive_genie; ALTER DEFAULT PRIVILEGES FOR ROLE hive_agent IN SCHEMA agent GRANT SELECT ON TABLES TO hive_genie"),
        fails: ["isolation genie → agent"],
    },
    {
        title: "genie may write an existing table of agent's",
        sql: inHive("CREATE TABLE agent.memories (id int); ALTER TABLE agent.memories OWNER TO hive_agent; GRANT USAGE ON SCHEMA agent TO hive_genie; GRANT INSERT ON agent.memories TO hive_genie"),
        fails: ["isolation genie → agent"],
    },
    {
        title: "the public schema is open to everyone again (the PostgreSQL 14 default)",
        sql: inHive("GRANT USAGE, CREATE ON SCHEMA public TO PUBLIC"),
        fails: ["isolation agent → workspace", "isolation genie → workspace"],
    },
    {
        title: "hive_agent is a SUPERUSER (which also bypasses isolation)",
        sql: inPostgres("ALTER ROLE hive_agent SUPERUSER"),
        // A superuser may also use every other mode's new schemas and give a schema to any role.
        fails: ["role-attributes agent", "isolation agent → workspace", "isolation agent → genie", "startup-schemas agent", "startup-schemas genie", "startup-schemas workspace"],
    },
    { title: "hive_genie may CREATEDB", sql: inPostgres("ALTER ROLE hive_genie CREATEDB"), fails: ["role-attributes genie"] },
    { title: "hive_workspace may CREATEROLE", sql: inPostgres("ALTER ROLE hive_workspace CREATEROLE"), fails: ["role-attributes workspace"] },
    { title: "hive_agent has no connection limit", sql: inPostgres("ALTER ROLE hive_agent CONNECTION LIMIT -1"), fails: ["role-attributes agent"] },
    {
        title: "hive_agent's default search_path is wrong",
        sql: inPostgres("ALTER ROLE hive_agent SET search_path = public, extensions"),
        fails: ["default-search-path agent"],
    },
    {
        title: "nobody may use the extensions schema any more",
        sql: inHive("REVOKE USAGE ON SCHEMA extensions FROM PUBLIC"),
        fails: ["vector agent", "vector genie", "vector workspace"],
    },
    {
        title: "the outputs carry a wrong password for agent",
        outputs: (_good, server) => server.outputs(DEFAULT_LAYOUT, { agent: randomPassword({ special: true }) }),
        fails: ["node-postgres agent", "psql agent"],
    },
    {
        title: "agent's libpq URL has the seeds' unencoded options (libpq rejects it, node-postgres does not)",
        outputs: (good, server) => withLibpqUrl(good, "agent", agentUrl(server, ["agent", "extensions"]).replace(/options=(.*)$/, (_all, value: string) => `options=${decodeURIComponent(value)}`)),
        fails: ["psql agent"],
    },
    {
        title: "agent's SQLAlchemy URL is not the libpq URL (its options are missing)",
        outputs: (good, server) => withSqlalchemyUrl(good, "agent", agentUrl(server, []).replace(/^postgresql:/, "postgresql+psycopg:")),
        fails: ["sqlalchemy-url agent"],
    },
    {
        title: "agent's URL sets a search_path other than the outputs say",
        outputs: (good, server) => withLibpqUrl(good, "agent", agentUrl(server, ["agent", "public", "extensions"])),
        fails: ["search-path agent"],
    },
    {
        title: "workspace's search_path starts with hive, not its first schema public",
        sql: inPostgres("ALTER ROLE hive_workspace SET search_path = hive, public, agno, extensions"),
        outputs: (good, server) => {
            const path = ["hive", "public", "agno", "extensions"];
            const url = libpqUrl({ host: HOST, port: server.port, database: "hive", user: "hive_workspace", password: server.passwords.workspace, searchPath: path });
            return withSearchPathOutput(withLibpqUrl(good, "workspace", url), "workspace", path);
        },
        fails: ["own-schema workspace"],
    },
    { title: "agent's env file has another API port", outputs: (good) => withEnvApiPort(good, "agent", 38887), fails: ["env-file agent"] },
];

async function closedPort(): Promise<number> {
    const listener = createServer();
    await new Promise<void>((resolve) => listener.listen(0, HOST, resolve));
    const { port } = listener.address() as { port: number };
    await new Promise((resolve) => listener.close(resolve));
    return port;
}

describe("verify on the default layout: every breakage fails exactly its check", function () {
    this.timeout(600_000);
    const server = useVerifyServer();

    it("passes every check on the stack's own layer, with every row present", async () => {
        await server.apply(DEFAULT_LAYOUT);
        const results = await server.verify(server.outputs(DEFAULT_LAYOUT));
        assert.deepEqual(results.map(rowKey).sort(), expectedRows(DEFAULT_LAYOUT, server.port));
        assert.deepEqual([...keysWith(results, "fail"), ...keysWith(results, "skip")], []);
        assert.ok(allPassed(results));
    });

    itFailsExactly(server, DEFAULT_LAYOUT, BREAKAGES);
});

describe("verify on the default layout: what it skips and leaves behind", function () {
    this.timeout(600_000);
    const server = useVerifyServer();

    it("skips (not passes) what depends on a mode that cannot log in", async () => {
        await server.apply(DEFAULT_LAYOUT);
        const results = await server.verify(server.outputs(DEFAULT_LAYOUT, { agent: randomPassword() }));
        // prettier-ignore
        assert.deepEqual(keysWith(results, "skip"), [
            "default-search-path agent", "isolation agent → genie", "isolation agent → workspace", "isolation genie → agent",
            "isolation workspace → agent", "own-schema agent", "role-attributes agent", "search-path agent", "startup-schemas agent",
            "unmanaged-objects agent", "vector agent",
        ]);
    });

    it("fails on the server check alone when nothing listens on the port", async () => {
        const results = await server.verify(server.outputs(DEFAULT_LAYOUT, {}, await closedPort()));
        assert.deepEqual(
            results.map((result) => [result.id, result.status]),
            [["server", "fail"]],
        );
    });

    it("leaves no probe objects behind", async () => {
        await server.apply(DEFAULT_LAYOUT, inPostgres("ALTER ROLE hive_agent SUPERUSER CREATEDB CREATEROLE"));
        await server.verify(server.outputs(DEFAULT_LAYOUT));
        const leftovers = await withClient(server.admin("hive"), async (client) => {
            const { rows } = await client.query(
                `SELECT relname AS name FROM pg_class WHERE relname LIKE 'hive_verify_%'
                 UNION ALL SELECT rolname FROM pg_roles WHERE rolname LIKE 'hive_verify_%'
                 UNION ALL SELECT nspname FROM pg_namespace WHERE nspname LIKE 'hive_verify_%'
                 UNION ALL SELECT datname FROM pg_database WHERE datname LIKE 'hive_verify_%'`,
            );
            return rows;
        });
        assert.deepEqual(leftovers, []);
    });
});
