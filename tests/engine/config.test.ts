/**
 * A bad config under the real CLI: one clean message naming the key, before any resource; no stack
 * trace, no colour codes, no problem printed twice.
 */
import { strict as assert } from "node:assert";

import { PreflightError } from "../../src/commands/up/preflight";
import { bringUp } from "../../src/commands/up/bring-up";
import { EngineStack, requireEngineOrSkip } from "./engine";

describe("engine: a bad config", function () {
    this.timeout(300_000);
    const engine = new EngineStack();
    before(async function () {
        await requireEngineOrSkip(this);
        await engine.create("bad", { config: { modes: { agent: { schemas: ["agent"], role: "Bad-Role" } } } });
    });
    after(() => engine.dispose());

    it("fails the preview with one clean message naming the key", async () => {
        // What the user sees: the CLI's own output, not the Automation API's wrapper around it.
        let text = "";
        await assert.rejects(engine.stack.preview({ color: "never", onOutput: (chunk) => (text += chunk) }));
        const problem = 'hive-db:modes.agent.role: "Bad-Role" is not a safe SQL identifier';
        assert.equal(text.split(problem).length - 1, 1, `the problem appears once:\n${text}`);
        assert.doesNotMatch(text, /unhandled exception/i);
        assert.doesNotMatch(text, /\n\s+at .*\.(ts|js):\d+/, "no stack trace");
        assert.ok(!text.includes("\u001b["), "no colour codes");
    });

    it("registers no resource", async () => {
        const state = (await engine.stack.exportStack()).deployment as { resources?: unknown[] };
        assert.deepEqual(state.resources ?? [], []);
    });
});

describe("engine: an image that is neither present nor pullable", function () {
    this.timeout(300_000);
    const engine = new EngineStack();
    before(async function () {
        await requireEngineOrSkip(this);
        await engine.create("noimage");
        await engine.setConfig({ container: engine.containerConfig({ image: "hive-db/not-built-here:0" }) });
    });
    after(() => engine.dispose());

    it("stops `npm run up` before any resource, saying how to build and select the local image", async () => {
        await assert.rejects(bringUp(engine.stack, { log: () => undefined }), (error: Error) => {
            assert.ok(error instanceof PreflightError, String(error));
            assert.match(
                error.message,
                /hive-db\/not-built-here:0 \(hive-db:container\.image\) is not on this Docker engine and cannot be pulled/,
            );
            assert.match(error.message, /bash image\/build-image\.sh/);
            assert.match(error.message, /pulumi config set --path 'hive-db:container\.image' hive-db\/pgvector:17/);
            return true;
        });
        const state = (await engine.stack.exportStack()).deployment as { resources?: unknown[] };
        assert.deepEqual(state.resources ?? [], []);
    });
});
