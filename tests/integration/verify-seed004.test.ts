/**
 * verify on seed 004's layouts: databases of their own, a shared one with readers.
 */
import { strict as assert } from "node:assert";

import { escapeIdentifier } from "pg";

import { configOf, SEED_004_CONFIG } from "../fixtures/configs";
import type { Step } from "../fixtures/stack-plan";
import { randomPassword } from "./helpers";
import {
    type Breakage,
    expectedRows,
    HOST,
    itFailsExactly,
    keysWith,
    rowKey,
    SHARED_KNOWLEDGE_LAYOUT,
    useVerifyServer,
    type VerifyServer,
} from "./verify-server";
import { resolveLayout } from "../../src/stack/model/layout";
import { libpqUrl } from "../../src/stack/model/urls";
import { withoutEnvLine, withReadUrl } from "../fixtures/output-deltas";

const inKnowledge = (sql: string): Step[] => [{ database: "knowledge", sql }];

const READER = "read-url workspace → knowledge";

/** The workspace's read URL into knowledge, with another search_path. */
const readUrl = (server: VerifyServer, searchPath: string[]) =>
    libpqUrl({
        host: HOST,
        port: server.port,
        database: "knowledge",
        user: "hive_workspace",
        password: server.passwords.workspace,
        searchPath,
    });

// prettier-ignore
const BREAKAGES: Breakage[] = [
    {
        title: "the reader may also INSERT",
        sql: inKnowledge("ALTER DEFAULT PRIVILEGES FOR ROLE hive_shared IN SCHEMA knowledge GRANT INSERT ON TABLES TO hive_workspace"),
        fails: ["isolation workspace → shared", READER],
    },
    {
        title: "the reader cannot read new tables (no default privileges)",
        sql: inKnowledge("ALTER DEFAULT PRIVILEGES FOR ROLE hive_shared IN SCHEMA knowledge REVOKE SELECT ON TABLES FROM hive_workspace"),
        fails: ["isolation workspace → shared", READER],
    },
    {
        title: "the reader may create schemas in the knowledge database",
        sql: [{ database: "postgres", sql: "GRANT CREATE ON DATABASE knowledge TO hive_workspace" }],
        fails: [READER],
    },
    {
        title: "a non-reader may CONNECT to the knowledge database",
        sql: [{ database: "postgres", sql: `GRANT CONNECT ON DATABASE knowledge TO ${escapeIdentifier("hive_agent")}` }],
        fails: ["isolation agent → shared"],
    },
    {
        // Through PUBLIC, the non-reader agent can CONNECT too: both rows must fail.
        title: "PUBLIC may CONNECT to knowledge",
        sql: [{ database: "postgres", sql: "GRANT CONNECT ON DATABASE knowledge TO PUBLIC" }],
        fails: ["public-privileges knowledge", "isolation agent → shared"],
    },
    {
        title: "the read URL lands on the reader's own search_path",
        outputs: (good, server) => withReadUrl(good, "workspace", "knowledge", readUrl(server, ["public", "agno", "hive", "extensions"])),
        fails: [READER],
    },
    {
        title: "the read URL has no options (the reader's default search_path is its own schemas)",
        outputs: (good, server) => withReadUrl(good, "workspace", "knowledge", readUrl(server, [])),
        fails: [READER],
    },
    {
        title: "the reader's .env lacks its read URL",
        outputs: (good) => withoutEnvLine(good, "workspace", "HIVE_READ_DATABASE_URL_KNOWLEDGE"),
        fails: ["env-file workspace"],
    },
];

describe("verify on a shared knowledge database with a reader (seed 004)", function () {
    this.timeout(600_000);
    const server = useVerifyServer();

    it("passes: the reader may SELECT, a non-reader may not even CONNECT", async () => {
        await server.apply(SHARED_KNOWLEDGE_LAYOUT);
        const results = await server.verify(server.outputs(SHARED_KNOWLEDGE_LAYOUT));
        assert.deepEqual(results.map(rowKey).sort(), expectedRows(SHARED_KNOWLEDGE_LAYOUT, server.port));
        assert.deepEqual([...keysWith(results, "fail"), ...keysWith(results, "skip")], []);
        const detail = (subject: string) => results.find((result) => result.id === "isolation" && result.subject === subject)?.detail;
        assert.match(detail("workspace → shared") ?? "", /^reader: SELECT allowed/);
        assert.match(detail("agent → shared") ?? "", /CONNECT to knowledge refused/);
        const read = results.find((result) => result.id === "read-url");
        assert.equal(read?.detail, "search_path knowledge, extensions; SELECT allowed, INSERT and CREATE refused");
    });

    itFailsExactly(server, SHARED_KNOWLEDGE_LAYOUT, BREAKAGES);
});

describe("verify on seed 004 in full: three databases, a shared one read by two others", function () {
    this.timeout(600_000);
    const layout = resolveLayout(configOf(SEED_004_CONFIG));
    const server = useVerifyServer([layout]);

    it("passes every check, with every row present", async () => {
        const apiKeys = Object.fromEntries(layout.modes.map((mode) => [mode.name, `hive_${mode.name}_${randomPassword()}`]));
        await server.apply(layout);
        const outputs = { ...server.outputs(layout), apiKeys };
        const results = await server.verify(outputs);
        assert.deepEqual(results.map(rowKey).sort(), expectedRows(layout, server.port));
        assert.deepEqual([...keysWith(results, "fail"), ...keysWith(results, "skip")], []);
    });
});
