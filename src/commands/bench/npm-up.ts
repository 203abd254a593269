/**
 * `npm run up` with nothing to change, timed whole (as a developer runs it, npm included) and by its
 * own steps (HIVE_DB_TRACE=1: the command's trace lines, src/shared/trace.ts).
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { REPOSITORY } from "../../shared/repository";
import { formatSeconds } from "./measure";
import type { EngineStack } from "./scratch-stack";

/** The command's steps, in seconds: npm and Node starting, the stack and its config, the checks, `pulumi up`. */
export interface UpSteps {
    seconds: number;
    start: number;
    stack: number;
    checks: number;
    up: number;
}

const STEP = /^trace (\d+\.\d+) (.+)$/gm;

export function npmUpNoChange(engine: EngineStack): Promise<UpSteps> {
    const home = join(engine.dir, "home");
    mkdirSync(home, { recursive: true });
    const env = {
        ...process.env,
        ...engine.env,
        HOME: home,
        HIVE_DB_TRACE: "1",
        HIVE_DB_SHELL_SETUP: "0",
        HIVE_DB_WORK_DIR: join(engine.dir, "work"),
    };
    const started = Date.now();
    return new Promise((resolve, reject) => {
        const child = spawn("npm", ["run", "--silent", "up", "--", "--stack", engine.stack.name], { cwd: REPOSITORY, env });
        let output = "";
        child.stdout.on("data", (chunk) => (output += chunk));
        child.stderr.on("data", (chunk) => (output += chunk));
        child.on("error", reject);
        child.on("close", (code) => {
            const seconds = (Date.now() - started) / 1000;
            if (code !== 0) return reject(new Error(`npm run up exited ${code}:\n${output}`));
            const at = Object.fromEntries([...output.matchAll(STEP)].map((match) => [match[2], Number(match[1])]));
            const loaded = at["command loaded"] ?? 0;
            resolve({
                seconds,
                // Before the command's first trace: npm, Node and the command's modules (the process's own clock starts with Node).
                start: seconds - (at["up done"] ?? 0) + loaded,
                stack: (at["config read"] ?? loaded) - loaded,
                checks: (at["checks done"] ?? 0) - (at["config read"] ?? 0),
                up: (at["up done"] ?? 0) - (at["checks done"] ?? 0),
            });
        });
    });
}

export const formatUpSteps = (steps: UpSteps) =>
    `npm and the command start ${formatSeconds(steps.start)}, stack and config ${formatSeconds(steps.stack)}, ` +
    `checks ${formatSeconds(steps.checks)}, pulumi up ${formatSeconds(steps.up)}`;
