/**
 * A Pulumi CLI run timed phase by phase: `--event-log FILE` makes the CLI write its engine events as
 * JSON lines, which are read as they are written (every 25 ms) and stamped on arrival by an
 * EventClock (breakdown.ts). The CLI runs as a user runs it: no Automation API around it.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { EngineEvent } from "@pulumi/pulumi/automation";

import { type CliStack, pulumi } from "../common/pulumi-cli";
import { type Breakdown, EventClock } from "./breakdown";

export interface TimedRun {
    seconds: number;
    breakdown: Breakdown;
}

/** Reads the complete lines appended to `file` since the last call. */
function lineReader(file: string): () => string[] {
    let offset = 0;
    let partial = "";
    return () => {
        if (!existsSync(file)) return [];
        const fd = openSync(file, "r");
        const buffer = Buffer.alloc(1 << 20);
        let text = "";
        for (let read = readSync(fd, buffer, 0, buffer.length, offset); read > 0; read = readSync(fd, buffer, 0, buffer.length, offset)) {
            offset += read;
            text += buffer.subarray(0, read).toString("utf8");
        }
        closeSync(fd);
        const lines = (partial + text).split("\n");
        partial = lines.pop() ?? "";
        return lines.filter((line) => line.trim() !== "");
    };
}

/** Runs `pulumi <args>` on the stack and returns its wall time and its phases. */
export async function timedPulumi(stack: CliStack, args: string[]): Promise<TimedRun> {
    const dir = mkdtempSync(join(tmpdir(), "hive-events-"));
    const file = join(dir, "events.jsonl");
    const clock = new EventClock();
    const readNew = lineReader(file);
    const drain = () => readNew().forEach((line) => clock.onEvent(JSON.parse(line) as EngineEvent));
    const poll = setInterval(drain, 25);
    try {
        // The CLI offers --event-log only with PULUMI_DEBUG_COMMANDS (the Automation API's own channel).
        const withEvents = { ...stack, env: { ...stack.env, PULUMI_DEBUG_COMMANDS: "true" } };
        await pulumi(withEvents, [...args, "--event-log", file, "--color", "never"]);
        drain();
        const ended = Date.now();
        return { seconds: clock.elapsed(ended), breakdown: clock.breakdown(ended) };
    } finally {
        clearInterval(poll);
        rmSync(dir, { recursive: true, force: true });
    }
}
