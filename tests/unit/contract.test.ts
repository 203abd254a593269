/**
 * One outputs contract: what index.ts exports under mocks is exactly what verify accepts, for every
 * kind of stack, and every per-mode value is derived from that mode's config.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { type StackOutputs, stackOutputsSchema } from "../../src/stack/model/outputs";
import { validateStackOutputs } from "../../src/commands/common/stack-outputs";
import { parseEnvFile } from "../../src/commands/verify/connect-checks";
import { SEED_004_CONFIG } from "../fixtures/configs";
import { runStack } from "./harness";
import { unwrap } from "../fixtures/pulumi-values";

/** What `pulumi stack output --json --show-secrets` would print for the program's exports. */
async function exportedOutputs(config: Record<string, unknown>, secrets: Record<string, string> = {}): Promise<StackOutputs> {
    const run = await runStack(config, secrets);
    const entries = await Promise.all(Object.entries(run.outputs).map(async ([key, value]) => [key, await unwrap(pulumi.output(value))]));
    return JSON.parse(JSON.stringify(Object.fromEntries(entries)));
}

const SERVER = { server: { host: "db.internal", port: 6543 }, adminUser: "postgres" };

const STACKS: Array<[string, Record<string, unknown>, Record<string, string>]> = [
    ["the default stack", {}, {}],
    ["an existing server", SERVER, { adminPassword: "from-config" }],
    ["seed 004's databases", SEED_004_CONFIG, {}],
];

describe("the outputs contract", () => {
    for (const [title, config, secrets] of STACKS) {
        it(`${title}: what index.ts exports passes verify's validation, and nothing else is exported`, async () => {
            const outputs = await exportedOutputs(config, secrets);
            const validated = validateStackOutputs(outputs);
            assert.deepEqual(validated.modeNames, Object.keys(validated.roles));
            const contractKeys = Object.keys(stackOutputsSchema.shape);
            assert.deepEqual(
                Object.keys(outputs).filter((key) => !contractKeys.includes(key)),
                [],
            );
        });
    }

    it("an existing server exports no Docker names, not even undefined ones", async () => {
        const run = await runStack(SERVER, { adminPassword: "from-config" });
        const dockerKeys = ["containerName", "networkName", "volumeName"];
        assert.deepEqual(
            Object.keys(run.outputs).filter((key) => dockerKeys.includes(key)),
            [],
        );
        const withContainer = await runStack();
        assert.deepEqual(
            Object.keys(withContainer.outputs).filter((key) => dockerKeys.includes(key)),
            dockerKeys,
        );
    });
});

describe("the .env bodies", () => {
    it("carry each mode's own port, schema, database and role, from config", async () => {
        const outputs = await exportedOutputs(
            {
                ...SERVER,
                modes: { memory: { schemas: ["memory", "archive"], database: "recall", role: "recaller", apiPort: 9100 } },
            },
            { adminPassword: "from-config" },
        );
        const env = parseEnvFile(outputs.envFiles.memory);
        assert.equal(env.get("POSTGRES_HOST"), "db.internal");
        assert.equal(env.get("POSTGRES_PORT"), "6543");
        assert.equal(env.get("POSTGRES_DB"), "recall");
        assert.equal(env.get("POSTGRES_USER"), "recaller");
        assert.equal(env.get("HIVE_DB_SCHEMA"), "memory");
        assert.equal(env.get("HIVE_API_PORT"), "9100");
        assert.equal(env.get("HIVE_API_KEY"), outputs.apiKeys.memory);
        assert.equal(env.get("HIVE_DATABASE_URL"), outputs.databaseUrls.memory);
    });
});
