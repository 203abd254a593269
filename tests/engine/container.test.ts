/**
 * The dev stack (the stack's own container, the local image) on the real engine, day 1 to day 200:
 * up, no-change previews, refresh, rotation, a container removed or stopped by hand, destroy and up
 * again. One stack, steps in order; skipped with one line where the engine is absent.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

import { bringDown } from "../../src/commands/down/bring-down";
import { bringUp } from "../../src/commands/up/bring-up";
import { assertRowsIntact, assertVerifyPasses, writeRows } from "./data";
import { EngineStack, previewChanges, requireEngineOrSkip } from "./engine";

const run = promisify(execFile);
const quiet = { log: () => undefined };

async function containerId(name: string): Promise<string> {
    return (await run("docker", ["inspect", "--format", "{{.Id}}", name])).stdout.trim();
}

describe("engine: the dev stack's container, day 1", function () {
    this.timeout(900_000);
    const engine = new EngineStack();
    before(async function () {
        await requireEngineOrSkip(this);
        await engine.create("dev");
    });
    after(() => engine.dispose());

    it("comes up; verify passes; the agent writes rows", async () => {
        await engine.stack.up({ color: "never" });
        const outputs = await engine.outputs();
        await assertVerifyPasses(outputs);
        await writeRows(outputs);
    });

    it("previews no changes, with and without a refresh", async () => {
        await engine.stack.preview({ color: "never", expectNoChanges: true });
        await engine.stack.preview({ color: "never", expectNoChanges: true, refresh: true });
    });

    it("keeps the container through refresh and up", async () => {
        const before = await containerId(engine.containerName);
        await engine.stack.refresh({ color: "never" });
        await engine.stack.up({ color: "never" });
        assert.equal(await containerId(engine.containerName), before);
        await assertRowsIntact(await engine.outputs());
    });

    it("rotates a password by updating only that mode's Role (the README's command, on the team's modes)", async () => {
        const before = await containerId(engine.containerName);
        // `pulumi config set --path 'hive-db:rotations.agent.password' 1`: the stack keeps the team's modes map.
        await engine.stack.setConfig("hive-db:rotations.agent.password", { value: "1" }, true);
        const changed = await previewChanges(engine);
        // The password derives from the stack's seed and the rotation counter (src/stack/model/credential-derivation.ts).
        assert.deepEqual(changed, { "hive-database-role-agent": ["update"] });
        await engine.stack.up({ color: "never" });
        assert.equal(await containerId(engine.containerName), before);
        const outputs = await engine.outputs();
        await assertRowsIntact(outputs);
        await assertVerifyPasses(outputs);
    });
});

describe("engine: the dev stack's container, drift and destroy", function () {
    this.timeout(900_000);
    const engine = new EngineStack();
    before(async function () {
        await requireEngineOrSkip(this);
        await engine.create("dev");
        await engine.stack.up({ color: "never" });
        await writeRows(await engine.outputs());
    });
    after(() => engine.dispose());

    it("plain `pulumi up` with the container removed fails and says how to repair it", async () => {
        await run("docker", ["rm", "--force", engine.containerName]);
        await assert.rejects(engine.stack.up({ color: "never" }), /cannot reach the server[\s\S]*npm run up/);
    });

    it("`npm run up` brings a removed container back with the rows written before", async () => {
        await bringUp(engine.stack, quiet);
        await assertRowsIntact(await engine.outputs());
        await engine.stack.preview({ color: "never", expectNoChanges: true, refresh: true });
    });

    it("`npm run up` starts a container stopped by hand", async () => {
        await run("docker", ["stop", engine.containerName]);
        await bringUp(engine.stack, quiet);
        await assertRowsIntact(await engine.outputs());
        await engine.stack.preview({ color: "never", expectNoChanges: true, refresh: true });
    });

    it("`npm run down` removes the container and network, keeps the volume and says so", async () => {
        const kept = await bringDown(engine.stack);
        assert.deepEqual(kept, {
            volumes: [engine.volumeName],
            databases: ["hive"],
            roles: ["hive_agent", "hive_genie", "hive_workspace"],
        });
        await assert.rejects(run("docker", ["inspect", engine.containerName]));
        await assert.rejects(run("docker", ["network", "inspect", engine.networkName]));
        await run("docker", ["volume", "inspect", engine.volumeName]);
    });

    it("up after destroy takes the data over with working credentials", async () => {
        await engine.stack.up({ color: "never" });
        const outputs = await engine.outputs();
        await assertRowsIntact(outputs);
        await assertVerifyPasses(outputs);
        await engine.stack.preview({ color: "never", expectNoChanges: true, refresh: true });
    });
});
