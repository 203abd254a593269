/**
 * Every stop is a clean shutdown: a container replaced by `npm run up` (a changed server flag),
 * `npm run down` then `npm run up`, and `npm run db -- restart` each let PostgreSQL finish its fast
 * shutdown, so the next server starts from a clean checkpoint, never with crash recovery. The server
 * says which in its first lines: "database system was shut down" or "was not properly shut down".
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

import { containerAction } from "../../src/commands/db/container-actions";
import { bringDown } from "../../src/commands/down/bring-down";
import { bringUp } from "../../src/commands/up/bring-up";
import { TYPE } from "../../src/stack/resources";
import { docker } from "../integration/helpers";
import { assertRowsIntact, assertVerifyPasses, writeRows } from "./data";
import { EngineStack, requireEngineOrSkip } from "./engine";

const UNCLEAN = /not properly shut down|automatic recovery in progress|database system was interrupted/;
const CLEAN = /database system was shut down at/;

const run = promisify(execFile);

/** The log of the container now running under that name (both streams: PostgreSQL logs to stderr). */
async function serverLog(container: string): Promise<string> {
    const { stdout, stderr } = await run("docker", ["logs", container], { maxBuffer: 16 << 20 });
    return stdout + stderr;
}

/** Replaces the container with `replace` (a changed server flag) and checks the new server's log. */
async function replacedCleanly(engine: EngineStack, workMem: string, replace: () => Promise<unknown>): Promise<void> {
    const before = await docker(["container", "inspect", "--format", "{{.Id}}", engine.containerName]);
    await engine.setConfig({ container: engine.containerConfig({ serverFlags: { max_connections: "200", work_mem: workMem } }) });
    await replace();
    const after = await docker(["container", "inspect", "--format", "{{.Id}}", engine.containerName]);
    assert.notEqual(after, before, "the container was replaced");
    const log = await serverLog(engine.containerName);
    assert.doesNotMatch(log, UNCLEAN);
    assert.match(log, CLEAN);
    await assertRowsIntact(await engine.outputs());
}

describe("engine: every stop is a clean shutdown", function () {
    this.timeout(900_000);
    const engine = new EngineStack();
    const up = () => bringUp(engine.stack, { log: () => undefined });
    before(async function () {
        await requireEngineOrSkip(this);
        await engine.create("dev");
        await up();
        await writeRows(await engine.outputs());
    });
    after(() => engine.dispose());

    it("a container replaced by plain pulumi up (a changed server flag) was stopped cleanly", async () => {
        await replacedCleanly(engine, "8MB", () => engine.stack.up({ color: "never" }));
    });

    it("npm run up stops cleanly even a container an older state recorded without a grace period", async () => {
        const exported = await engine.stack.exportStack();
        const resources = (exported.deployment as { resources: Array<{ type: string; inputs: any; outputs: any }> }).resources;
        for (const resource of resources.filter((r) => r.type === TYPE.container)) {
            delete resource.inputs.destroyGraceSeconds;
            delete resource.outputs.destroyGraceSeconds;
        }
        await engine.stack.importStack(exported);
        await replacedCleanly(engine, "16MB", up);
    });

    it("npm run down then npm run up: the next server starts from a clean shutdown", async () => {
        await bringDown(engine.stack);
        await up();
        const log = await serverLog(engine.containerName);
        assert.doesNotMatch(log, UNCLEAN);
        assert.match(log, CLEAN);
        const outputs = await engine.outputs();
        await assertRowsIntact(outputs);
        await assertVerifyPasses(outputs);
    });

    it("npm run db -- restart stops the server cleanly too", async () => {
        await containerAction(engine.containerName, "restart");
        const log = await serverLog(engine.containerName);
        assert.doesNotMatch(log, UNCLEAN);
        assert.equal(log.match(new RegExp(CLEAN.source, "g"))?.length, 2, log.slice(-2000));
    });
});
