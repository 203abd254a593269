/**
 * verify on seed 004's layouts: databases of their own, a shared one with readers.
 */
import { strict as assert } from "node:assert";

import { escapeIdentifier } from "pg";

import { configOf, SEED_004_CONFIG } from "../fixtures/configs";
import type { Step } from "../fixtures/stack-plan";
import { randomPassword } from "./helpers";
import { expectedRows, keysWith, rowKey, SHARED_KNOWLEDGE_LAYOUT, useVerifyServer } from "./verify-server";
import { resolveLayout } from "../../lib/layout";

const inKnowledge = (sql: string): Step[] => [{ database: "knowledge", sql }];

// prettier-ignore
const BREAKAGES: Array<{ title: string; sql: Step[]; fails: string[] }> = [
    {
        title: "the reader may also INSERT",
        sql: inKnowledge("ALTER DEFAULT PRIVILEGES FOR ROLE hive_shared IN SCHEMA knowledge GRANT INSERT ON TABLES TO hive_workspace"),
        fails: ["isolation workspace → shared"],
    },
    {
        title: "the reader cannot read new tables (no default privileges)",
        sql: inKnowledge("ALTER DEFAULT PRIVILEGES FOR ROLE hive_shared IN SCHEMA knowledge REVOKE SELECT ON TABLES FROM hive_workspace"),
        fails: ["isolation workspace → shared"],
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
    });

    for (const broken of BREAKAGES) {
        it(`fails exactly on ${broken.fails.join(", ")} when ${broken.title}`, async () => {
            await server.apply(SHARED_KNOWLEDGE_LAYOUT, broken.sql);
            assert.deepEqual(keysWith(await server.verify(server.outputs(SHARED_KNOWLEDGE_LAYOUT)), "fail"), [...broken.fails].sort());
        });
    }
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
