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
import { assertRowsIntact, assertVerifyPasses, writeRows } from "./data";
import { EngineStack, requireEngineOrSkip } from "./engine";

type Signal = "SIGINT" | "SIGKILL";

interface Run {
    code: number | null;
    signal: NodeJS.Signals | null;
    output: string;
}

/** `npm run up` for the engine stack in its own process group; `killAt` sends `signal` to the group when the output matches. */
function npmUp(engine: EngineStack, killAt?: { pattern: RegExp; signal: Signal }): Promise<Run & { killed: boolean }> {
    const home = join(engine.dir, "home");
    mkdirSync(home, { recursive: true });
    const env = { ...process.env, ...engine.env, HOME: home, HIVE_DB_SHELL_SETUP: "0", HIVE_DB_WORK_DIR: join(engine.dir, "work") };
    return new Promise((resolve, reject) => {
        const child = spawn("npm", ["run", "--silent", "up", "--", "--stack", engine.stack.name], { cwd: REPOSITORY, env, detached: true });
        let output = "";
        let killed = false;
        const onData = (chunk: Buffer) => {
            output += chunk;
            if (killAt !== undefined && !killed && killAt.pattern.test(output)) {
                killed = true;
                process.kill(-(child.pid as number), killAt.signal);
            }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        child.on("error", reject);
        child.on("close", (code, exitSignal) => resolve({ code, signal: exitSignal, output, killed }));
    });
}

const backendUrl = (engine: EngineStack) => engine.env.PULUMI_BACKEND_URL;

/** Interrupts a run, checks what the interruption left, and that the next `npm run up` finishes. */
async function interruptAndRecover(engine: EngineStack, pattern: RegExp, signal: Signal): Promise<void> {
    const interrupted = await npmUp(engine, { pattern, signal });
    assert.ok(interrupted.killed, `the run never reached ${pattern}:\n${interrupted.output}`);
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
}

const FIRST_UP_POINTS: Array<[string, RegExp]> = [
    ["before the container", /(Volume hive-postgres-data|RemoteImage hive-postgres-image) creating/],
    ["right after the container", /Container hive-postgres-container created/],
    ["during the database layer", /(Role|Schema|Grant) hive-database-\S+ creating/],
];

for (const signal of ["SIGINT", "SIGKILL"] as const) {
    describe(`engine: ${signal} to npm run up's process group during a first up`, function () {
        this.timeout(900_000);
        before(async function () {
            await requireEngineOrSkip(this);
        });
        for (const [where, pattern] of FIRST_UP_POINTS) {
            it(`${where}: the next npm run up finishes and verify passes`, async () => {
                const engine = new EngineStack();
                try {
                    await engine.create("dev");
                    await interruptAndRecover(engine, pattern, signal);
                } finally {
                    await engine.dispose();
                }
            });
        }
    });
}

describe("engine: npm run up interrupted during a rotation", function () {
    this.timeout(900_000);
    const engine = new EngineStack();
    before(async function () {
        await requireEngineOrSkip(this);
        await engine.create("dev");
        const first = await npmUp(engine);
        assert.equal(first.code, 0, first.output);
        await writeRows(await engine.outputs());
    });
    after(() => engine.dispose());

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
