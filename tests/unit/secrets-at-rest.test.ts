/**
 * Secrets at rest: the admin password reaches the provider only as a Pulumi secret (encrypted in
 * the state), in both modes; it is never generated into the state itself.
 */
import { strict as assert } from "assert";
import { TEST_ADMIN_PASSWORD } from "../fixtures/configs";
import { runStack } from "./harness";
import { isSecretInput, reveal } from "../fixtures/pulumi-values";
import { TYPE } from "../../src/stack/resources";

const STACKS: Array<[string, Record<string, unknown>]> = [
    ["the container", {}],
    ["an existing server", { server: { host: "db.internal" } }],
];

describe("the admin password at rest", () => {
    for (const [title, config] of STACKS) {
        it(`${title}: reaches the provider as a secret, from config, and nothing generates one`, async () => {
            const run = await runStack(config);
            const provider = run.get(TYPE.postgresqlProvider, "hive-database-provider");
            assert.ok(isSecretInput(provider.inputs.password), "the provider's password is a secret");
            assert.equal(reveal(provider.inputs.password), TEST_ADMIN_PASSWORD);
            assert.deepEqual(
                run.ofType(TYPE.randomPassword).filter((p) => p.name.includes("admin")),
                [],
            );
        });
    }
});
