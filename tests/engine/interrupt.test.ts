/**
 * An interrupted `npm run up` recovers by itself. `npm run up` runs as a terminal would run it (its
 * own process group) and is stopped by a terminal's Ctrl-C (SIGINT to the group) or killed outright
 * (SIGKILL to the group: a closed laptop, the OOM killer) at several points of a first up and of a
 * rotation. After Ctrl-C it exits 130 with the lock released; after either, the next `npm run up`
 * finishes, verify passes, and no row written before is lost.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { stackLocks } from "../../src/commands/common/stack-lock";
import { REPOSITORY } from "../../src/shared/repository";
import { docker } from "../integration/helpers";
import { assertRowsIntact, assertVerifyPasses, writeRows } from "./data";
import { EngineStack, requireEngineOrSkip } from "./engine";

type Signal = "SIGINT" | "SIGKILL";

/** When to stop the run: `afterMs` after its output first matches `pattern`. */
interface KillAt {
    pattern: RegExp;
    signal: Signal;
    afterMs?: number;
}

interface Run {
    code: number | null;
    signal: NodeJS.Signals | null;
    output: string;
}

/** A command run for the engine stack in its own process group; `killAt` sends `signal` to the group when the output matches. */
function inGroup(engine: EngineStack, argv: string[], killAt?: KillAt): Promise<Run & { killed: boolean }> {
    const home = join(engine.dir, "home");
    mkdirSync(home, { recursive: true });
    const work = join(engine.dir, "work");
    const env = { ...process.env, ...engine.env, HOME: home, HIVE_DB_SHELL_SETUP: "0", HIVE_DB_WORK_DIR: work };
    return new Promise((resolve, reject) => {
        const [command, ...args] = argv;
        const child = spawn(command, args, { cwd: command === "pulumi" ? work : REPOSITORY, env, detached: true });
        let output = "";
        let killed = false;
        const onData = (chunk: Buffer) => {
            output += chunk;
            if (killAt !== undefined && !killed && killAt.pattern.test(output)) {
                killed = true;
                setTimeout(() => process.kill(-(child.pid as number), killAt.signal), killAt.afterMs ?? 0);
            }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        child.on("error", reject);
        child.on("close", (code, exitSignal) => resolve({ code, signal: exitSignal, output, killed }));
    });
}

/** `npm run <script>` for the engine stack, as a terminal runs it. */
const npmRun = (engine: EngineStack, script: string, killAt?: KillAt) =>
    inGroup(engine, ["npm", "run", "--silent", script, "--", "--stack", engine.stack.name], killAt);
const npmUp = (engine: EngineStack, killAt?: KillAt) => npmRun(engine, "up", killAt);

const backendUrl = (engine: EngineStack) => engine.env.PULUMI_BACKEND_URL;

/** Interrupts a run, checks what the interruption left, and that the next `npm run up` finishes. */
async function interruptAndRecover(engine: EngineStack, pattern: RegExp, signal: Signal, afterMs = 0): Promise<void> {
    const interrupted = await npmUp(engine, { pattern, signal, afterMs });
    assert.ok(interrupted.killed, `the run never reached ${pattern}:\n${interrupted.output}`);
    assert.notEqual(interrupted.code, 0, `the run ended before the ${signal}:\n${interrupted.output}`);
    if (signal === "SIGINT") {
        assert.equal(interrupted.code, 130, interrupted.output);
        assert.match(interrupted.output, /interrupted: .* was cancelled cleanly/);
        assert.deepEqual(stackLocks(backendUrl(engine), engine.stack.name), [], "Ctrl-C released the lock");
    }
    const stale = stackLocks(backendUrl(engine), engine.stack.name).length > 0;
    const recovered = await npmUp(engine);
    assert.equal(recovered.code, 0, recovered.output);
    if (stale) assert.match(recovered.output, /cleared a stale lock of .*that process is gone/);
    await assertVerifyPasses(await engine.outputs());
    // Nothing half-done is left in the state: a preview of the same config has nothing to change.
    await engine.stack.preview({ expectNoChanges: true, color: "never" });
}

/** Where a first up is stopped: what its output shows, and how long after that. */
const FIRST_UP_POINTS: Array<[string, RegExp, number]> = [
    ["before the container", /(Volume hive-postgres-data|RemoteImage hive-postgres-image) creating/, 0],
    ["while the container starts and is not yet healthy", /Container hive-postgres-container creating/, 700],
    ["right after the container", /Container hive-postgres-container created/, 0],
    ["during the database layer", /(Role|Schema|Grant) hive-database-\S+ creating/, 0],
];

for (const signal of ["SIGINT", "SIGKILL"] as const) {
    describe(`engine: ${signal} to npm run up's process group during a first up`, function () {
        this.timeout(900_000);
        before(async function () {
            await requireEngineOrSkip(this);
        });
        for (const [where, pattern, afterMs] of FIRST_UP_POINTS) {
            it(`${where}: the next npm run up finishes and verify passes`, async () => {
                const engine = new EngineStack();
                try {
                    await engine.create("dev");
                    await interruptAndRecover(engine, pattern, signal, afterMs);
                } finally {
                    await engine.dispose();
                }
            });
        }
    });
}

/** In a suite: a dev stack brought up by `npm run up`, with the agent's rows written. */
function upWithRows(): EngineStack {
    const engine = new EngineStack();
    before(async function () {
        await requireEngineOrSkip(this);
        await engine.create("dev");
        const first = await npmUp(engine);
        assert.equal(first.code, 0, first.output);
        await writeRows(await engine.outputs());
    });
    after(() => engine.dispose());
    return engine;
}

describe("engine: npm run up interrupted during a rotation", function () {
    this.timeout(900_000);
    const engine = upWithRows();

    for (const [rotation, signal] of [
        [1, "SIGINT"],
        [2, "SIGKILL"],
    ] as const) {
        it(`${signal} while the agent's role is updated: the next npm run up finishes, no row lost`, async () => {
            await engine.setConfig({
                modes: {
                    workspace: { schemas: ["public", "agno", "hive"] },
                    agent: { schemas: ["agent"], apiPortPrefix: 3, passwordRotation: rotation },
                    genie: { schemas: ["genie"], apiPortPrefix: 4 },
                },
            });
            await interruptAndRecover(engine, /Role hive-database-role-agent updating/, signal);
            await assertRowsIntact(await engine.outputs());
        });
    }
});

describe("engine: npm run up interrupted while the container is replaced", function () {
    this.timeout(900_000);
    const engine = upWithRows();

    // A changed server flag replaces the container: the old one is deleted first, then the new one created.
    for (const [workMem, signal, pattern, afterMs] of [
        ["8MB", "SIGINT", /Container hive-postgres-container deleting/, 200],
        ["16MB", "SIGKILL", /Container hive-postgres-container deleting/, 200],
        ["32MB", "SIGKILL", /Container hive-postgres-container creating/, 700],
    ] as const) {
        it(`${signal} ${afterMs} ms after ${pattern.source}: the next npm run up finishes, no row lost`, async () => {
            await engine.setConfig({ container: engine.containerConfig({ serverFlags: { work_mem: workMem } }) });
            await interruptAndRecover(engine, pattern, signal, afterMs);
            await assertRowsIntact(await engine.outputs());
        });
    }
});

describe("engine: plain pulumi up and npm run down interrupted", function () {
    this.timeout(900_000);
    const engine = new EngineStack();
    before(async function () {
        await requireEngineOrSkip(this);
        await engine.create("dev");
    });
    after(() => engine.dispose());

    it("plain pulumi up killed during the database layer: npm run down finishes and keeps the data's volume", async () => {
        const killAt = { pattern: /(Role|Schema|Grant) hive-database-\S+ creating/, signal: "SIGKILL" as const };
        const interrupted = await inGroup(engine, ["pulumi", "up", "--yes", "--skip-preview", "--stack", engine.stack.name], killAt);
        assert.ok(interrupted.killed, interrupted.output);
        assert.ok(stackLocks(backendUrl(engine), engine.stack.name).length > 0, "a killed CLI leaves its lock");
        const down = await npmRun(engine, "down");
        assert.equal(down.code, 0, down.output);
        assert.match(down.output, /cleared a stale lock of .*that process is gone/);
        await docker(["volume", "inspect", engine.volumeName]);
    });

    it("npm run down killed while it deletes: the next npm run up finishes, no row lost", async () => {
        const up = await npmUp(engine);
        assert.equal(up.code, 0, up.output);
        await writeRows(await engine.outputs());
        const down = await npmRun(engine, "down", { pattern: /deleting/, signal: "SIGKILL", afterMs: 300 });
        assert.ok(down.killed, down.output);
        const recovered = await npmUp(engine);
        assert.equal(recovered.code, 0, recovered.output);
        const outputs = await engine.outputs();
        await assertVerifyPasses(outputs);
        await assertRowsIntact(outputs);
        await engine.stack.preview({ expectNoChanges: true, color: "never" });
    });
});
