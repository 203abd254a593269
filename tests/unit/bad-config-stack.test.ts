/**
 * The program itself (index.ts under mocks) on every bad configuration: one ConfigError, printed by
 * the CLI as a plain message (a RunError), and not a single resource registered before it.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../src/stack/config";
import { readStackConfig } from "../../src/stack/config/engine-config";
import { validateStackOutputs } from "../../src/commands/common/stack-outputs";
import { BAD_CONFIGS, type BadConfig, TRICKY_VALID_CONFIGS } from "../fixtures/bad-configs";
import { runFailingStack, runStack } from "./harness";
import { unwrap } from "../fixtures/pulumi-values";

/**
 * The table's config as the harness takes it: plain keys, and the keys set with --secret (by
 * default the admin password). An `undefined` value stays in the plain config: "not set at all".
 */
function asEngineInput(c: BadConfig): [Record<string, unknown>, Record<string, string>] {
    const secretKeys = c.secretKeys ?? ["adminPassword"];
    const isSecretValue = ([key, value]: [string, unknown]) => secretKeys.includes(key) && value !== undefined;
    const entries = Object.entries(c.config);
    const plain = Object.fromEntries(entries.filter((entry) => !isSecretValue(entry)));
    const secrets = Object.fromEntries(
        entries.filter(isSecretValue).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    );
    return [plain, secrets];
}

describe("bad config under the program: rejected before any resource", () => {
    for (const c of BAD_CONFIGS) {
        it(`${c.name}: ConfigError naming ${c.key}, nothing registered`, async () => {
            const [config, secrets] = asEngineInput(c);
            const { error, registered } = await runFailingStack(config, secrets);
            assert.ok(error instanceof ConfigError, String(error));
            assert.ok(pulumi.RunError.isInstance(error), "the CLI prints a RunError's message alone");
            assert.ok(
                error.problems.some((problem) => problem.startsWith(`${c.key}: `)),
                JSON.stringify(error.problems),
            );
            assert.equal(registered, 0);
        });
    }
});

describe("tricky but valid config under the program: runs, and exports every mode", () => {
    for (const c of TRICKY_VALID_CONFIGS) {
        it(c.name, async () => {
            // The server has the databases the config says must already exist (adoptDatabases).
            const run = await runStack(c.config, c.secrets, { databases: (c.config.adoptDatabases as string[] | undefined) ?? [] });
            const exported = await Promise.all(Object.entries(run.outputs).map(async ([key, value]) => [key, await unwrap(value)]));
            const outputs = validateStackOutputs(JSON.parse(JSON.stringify(Object.fromEntries(exported))));
            const modes = c.config.modes as Record<string, unknown> | undefined;
            if (modes) assert.deepEqual(outputs.modeNames, Object.keys(modes));
        });
    }
});

describe("the engine's secret keys", () => {
    it("are read from the SDK: --secret keys are listed, plain ones are not", async () => {
        await runStack({ database: "hive" }, { adminPassword: "pw" });
        const { values, secretKeys } = readStackConfig();
        assert.deepEqual(secretKeys, ["hive-db:adminPassword"]);
        assert.equal(values["hive-db:database"], "hive");
    });
});
