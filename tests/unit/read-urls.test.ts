/**
 * Read access across databases (seed 004): which read URLs each mode gets, what they point at, the
 * `.env` variable that carries them, and verify's consistency rules for them.
 */
import { problemsOf } from "../fixtures/output-deltas";
import { strict as assert } from "node:assert";

import { parse } from "pg-connection-string";

import { readSearchPaths } from "../../src/stack/model/layout";
import { readUrlEnvKey } from "../../src/stack/model/naming";
import { parseEnvFile } from "../../src/commands/verify/connect-checks";
import { validateStackOutputs } from "../../src/commands/common/stack-outputs";
import { secretsInOutputs } from "../../src/commands/common/output-secrets";
import { DEFAULT_CONFIG, layoutOf, SEED_004_CONFIG, SHARED_KNOWLEDGE_CONFIG } from "../fixtures/configs";
import { outputsFor } from "../fixtures/stack-plan";

const SERVER = { host: "127.0.0.1", port: 5532 };
const outputsOf = (config: Record<string, unknown>) => {
    const layout = layoutOf(config);
    return outputsFor(layout, SERVER, Object.fromEntries(layout.modes.map((mode) => [mode.name, `pw-${mode.name}_x`])));
};

/** Two owners in one other database, read by one mode; a reader in the owner's own database. */
const TWO_OWNERS = {
    modes: {
        app: { schemas: ["app"], apiPort: 9001 },
        docs: { schemas: ["docs", "media"], database: "library", readers: ["app", "peer"], apiPort: 9002 },
        notes: { schemas: ["notes"], database: "library", readers: ["app"], apiPort: 9003 },
        peer: { schemas: ["peer"], database: "library", apiPort: 9004 },
    },
};

describe("read access across databases", () => {
    it("gives each reader a search_path per other database: the owners' schemas, then extensions", () => {
        assert.deepEqual(readSearchPaths(layoutOf(SEED_004_CONFIG).modes, "extensions"), {
            shared: {},
            dpg: { claude_flow_shared: ["public", "extensions"] },
            qradar: { claude_flow_shared: ["public", "extensions"] },
        });
        assert.deepEqual(readSearchPaths(layoutOf(SHARED_KNOWLEDGE_CONFIG).modes, "ext"), {
            workspace: { knowledge: ["knowledge", "ext"] },
            agent: {},
            shared: {},
        });
    });

    it("merges owners of one database in mode order, and skips readers in the owner's own database", () => {
        assert.deepEqual(readSearchPaths(layoutOf(TWO_OWNERS).modes, "extensions"), {
            app: { library: ["docs", "media", "notes", "extensions"] },
            docs: {},
            notes: {},
            peer: {},
        });
        assert.deepEqual(readSearchPaths(layoutOf(DEFAULT_CONFIG).modes, "extensions"), { workspace: {}, agent: {}, genie: {} });
    });

    it("names the .env variable after the database, upper-cased", () => {
        assert.equal(readUrlEnvKey("knowledge"), "HIVE_READ_DATABASE_URL_KNOWLEDGE");
        assert.equal(readUrlEnvKey("claude_flow_shared"), "HIVE_READ_DATABASE_URL_CLAUDE_FLOW_SHARED");
    });
});

describe("read URLs in the outputs", () => {
    it("log in as the reader, into the owner's database, with the read search_path; the .env carries them", () => {
        const outputs = outputsOf(SEED_004_CONFIG);
        for (const reader of ["dpg", "qradar"]) {
            const url = parse(outputs.readLibpqUrls[reader].claude_flow_shared);
            assert.equal(url.user, outputs.roles[reader]);
            assert.equal(url.password, `pw-${reader}_x`);
            assert.equal(url.database, "claude_flow_shared");
            assert.equal(url.options, "-csearch_path=public,extensions");
            assert.equal(
                outputs.readUrls[reader].claude_flow_shared,
                outputs.readLibpqUrls[reader].claude_flow_shared.replace(/^postgresql:/, "postgresql+psycopg:"),
            );
            const env = parseEnvFile(outputs.envFiles[reader]);
            assert.equal(env.get("HIVE_READ_DATABASE_URL_CLAUDE_FLOW_SHARED"), outputs.readUrls[reader].claude_flow_shared);
        }
        assert.deepEqual(outputs.readUrls.shared, {});
        assert.doesNotMatch(outputs.envFiles.shared, /HIVE_READ_DATABASE_URL_/);
    });

    it("puts the read URLs' passwords among the secrets verify scrubs", () => {
        const outputs = validateStackOutputs(outputsOf(SHARED_KNOWLEDGE_CONFIG));
        const onlyRead = { ...outputs, libpqUrls: {}, databaseUrls: {}, envFiles: {}, apiKeys: {} } as unknown as typeof outputs;
        assert.ok(secretsInOutputs(onlyRead).includes("pw-workspace_x"));
    });
});

// prettier-ignore
const INCONSISTENT: Array<[string, (outputs: Record<string, any>) => void, RegExp]> = [
    ["a reader without its read URL", (o) => (o.readUrls.workspace = {}), /^readUrls\.workspace\.knowledge is missing: mode 'workspace' reads a mode in database 'knowledge'$/],
    ["a read URL for a database the mode does not read", (o) => (o.readLibpqUrls.agent = { knowledge: "postgresql://x@h/knowledge" }), /^readLibpqUrls\.agent\.knowledge: mode 'agent' reads no mode in database 'knowledge'/],
    ["a mode missing from readUrls", (o) => delete o.readUrls.agent, /^readUrls\.agent is missing$/],
];

describe("verify: read URLs in its input", () => {
    for (const [title, mutate, expected] of INCONSISTENT) {
        it(`rejects ${title}`, () => {
            const outputs = outputsOf(SHARED_KNOWLEDGE_CONFIG) as Record<string, any>;
            mutate(outputs);
            const problems = problemsOf(outputs);
            assert.ok(
                problems.some((problem) => expected.test(problem)),
                problems.join("\n"),
            );
        });
    }
});
