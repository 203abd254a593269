/**
 * The generated credentials: strong enough, and each rotation keeper wired to its own value.
 */
import { strict as assert } from "assert";
import { runStack, type StackRun, unwrap } from "./harness";

const PASSWORD = "random:index/randomPassword:RandomPassword";
/** Shortest generated secret we accept: 32 characters of a 64-symbol alphabet is 192 bits. */
const MIN_LENGTH = 32;

describe("generated credentials", () => {
    let run: StackRun;
    before(async () => (run = await runStack()));

    it(`are at least ${MIN_LENGTH} characters, for role passwords and API keys alike`, () => {
        const passwords = run.ofType(PASSWORD);
        assert.ok(passwords.length >= 6, `${passwords.length} generated`);
        for (const password of passwords) {
            assert.ok(password.inputs.length >= MIN_LENGTH, `${password.name}: length ${password.inputs.length}`);
        }
    });

    it("use URL- and shell-safe characters only", () => {
        for (const password of run.ofType(PASSWORD)) {
            const special = password.inputs.special ? (password.inputs.overrideSpecial ?? "!@#$%&*()-_=+[]{}<>:?") : "";
            assert.match(special, /^[-_]*$/, `${password.name} may generate ${special}`);
        }
    });
});

describe("API key rotation", () => {
    it("bumping a mode's apiKeyRotation changes that mode's key and nothing else", async () => {
        const before = await unwrap(runStack().then((run) => run.outputs.apiKeys));
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
        assert.deepEqual(rotated.get(PASSWORD, "hive-credentials-agent-api-key").inputs.keepers, { rotation: "1" });
        assert.deepEqual(rotated.get(PASSWORD, "hive-credentials-agent-password").inputs.keepers, { rotation: "0" });
    });
});
