/**
 * The generated credentials: one random seed, per-mode values derived from it, each rotation
 * counter wired to its own value.
 */
import { strict as assert } from "assert";
import * as fc from "fast-check";
import { apiKeyFor, deriveCredential } from "../../src/stack/model/credential-derivation";
import { runStack, type StackRun } from "./harness";
import { unwrap } from "../fixtures/pulumi-values";
import { TYPE } from "../../src/stack/resources";

describe("the credential seed", () => {
    let run: StackRun;
    before(async () => (run = await runStack()));

    it("is one random resource of at least 64 characters", () => {
        const seeds = run.ofType(TYPE.randomPassword);
        assert.deepEqual(
            seeds.map((seed) => seed.name),
            ["hive-credentials-seed"],
        );
        assert.ok(seeds[0].inputs.length >= 64, `length ${seeds[0].inputs.length}`);
    });
});

describe("derived credentials", () => {
    it("are 256-bit, URL- and shell-safe, and differ per purpose, mode and rotation", () => {
        fc.assert(
            fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.nat(), (seed, mode, rotation) => {
                const password = deriveCredential(seed, "role-password", mode, rotation);
                assert.match(password, /^[A-Za-z0-9_-]{43}$/);
                assert.notEqual(password, deriveCredential(seed, "api-key", mode, rotation));
                assert.notEqual(password, deriveCredential(seed, "role-password", mode, rotation + 1));
                assert.notEqual(password, deriveCredential(seed, "role-password", `${mode}x`, rotation));
                assert.notEqual(password, deriveCredential(`${seed}x`, "role-password", mode, rotation));
                assert.equal(password, deriveCredential(seed, "role-password", mode, rotation), "stable");
            }),
            { numRuns: 1000 },
        );
    });

    it("give API keys the seeds' mode prefix", () => {
        assert.match(apiKeyFor("s", "agent", 0), /^hive_agent_[A-Za-z0-9_-]{43}$/);
    });
});

describe("API key rotation", () => {
    it("bumping a mode's apiKeyRotation changes that mode's key and nothing else", async () => {
        const before = await unwrap(runStack().then((run) => run.outputs.apiKeys));
        const beforeUrls = await unwrap(runStack().then((run) => run.outputs.libpqUrls));
        const rotated = await runStack({
            modes: {
                workspace: { schemas: ["public", "agno", "hive"] },
                agent: { schemas: ["agent"], apiPortPrefix: 3, apiKeyRotation: 1 },
                genie: { schemas: ["genie"], apiPortPrefix: 4 },
            },
        });
        const after = await unwrap(rotated.outputs.apiKeys);
        assert.notEqual(after.agent, before.agent);
        assert.equal(after.workspace, before.workspace);
        assert.equal(after.genie, before.genie);
        assert.deepEqual(await unwrap(rotated.outputs.libpqUrls), beforeUrls, "role passwords unchanged");
    });
});
