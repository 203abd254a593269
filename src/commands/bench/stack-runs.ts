/**
 * The benchmark's runs on the real engine, each `pulumi` run timed phase by phase (event-log.ts):
 * cold ups of the dev stack, no-op previews, `npm run up` with nothing to change, and ups of 1-100
 * modes in server mode against a container the benchmark starts (untimed).
 */
import { validateStackOutputs } from "../common/stack-outputs";
import { cliStackOf } from "../common/pulumi-cli";
import { verifyStack } from "../verify/verify-stack";
import { type TimedRun, timedPulumi } from "./event-log";
import { connectOnce } from "./hand-flow";
import { repeat, seconds } from "./measure";
import { EngineStack, ENGINE_IMAGE } from "./scratch-stack";
import { startServerContainer } from "./server-container";

const UP = ["up", "--yes", "--skip-preview"];

/** `pulumi up` of a fresh dev stack until every mode's URL connects; then `after` on it. */
export async function coldUp(after?: (stack: EngineStack) => Promise<void>): Promise<TimedRun> {
    const engine = new EngineStack();
    try {
        await engine.create("bench");
        const started = Date.now();
        const run = await timedPulumi(cliStackOf(engine.stack), UP);
        const outputs = await engine.outputs();
        await Promise.all(Object.values(outputs.libpqUrls).map(connectOnce));
        // Until every mode connects: the phases end with the CLI, the figure with the last connection.
        const untilConnected = (Date.now() - started) / 1000;
        await after?.(engine);
        return { ...run, seconds: untilConnected };
    } finally {
        await engine.dispose();
    }
}

/** `count` modes, each with one schema and an API port of its own. */
export function scaleModes(count: number): Record<string, unknown> {
    return Object.fromEntries(
        Array.from({ length: count }, (_, index) => [`m${index + 1}`, { schemas: [`m${index + 1}`], apiPort: 10_001 + index }]),
    );
}

/** `pulumi up` of `count` modes against a fresh server; then `after` on the stack. */
export async function scaleUp(
    count: number,
    serverFlags: Record<string, string>,
    after?: (stack: EngineStack) => Promise<void>,
): Promise<TimedRun> {
    const server = await startServerContainer(ENGINE_IMAGE, serverFlags);
    const engine = new EngineStack();
    try {
        const config = {
            server: { host: "127.0.0.1", port: server.port, sslmode: "disable" },
            adminUser: server.user,
            modes: scaleModes(count),
        };
        await engine.create("bench", { server: true, config }, server.password);
        const run = await timedPulumi(cliStackOf(engine.stack), UP);
        await after?.(engine);
        return run;
    } finally {
        await engine.dispose();
        await server.remove();
    }
}

/** Each of `repetitions` no-op previews (the CLI fails one that finds a change). */
export function noOpPreviews(engine: EngineStack, repetitions: number): Promise<TimedRun[]> {
    return repeat(repetitions, () => timedPulumi(cliStackOf(engine.stack), ["preview", "--expect-no-changes"]));
}

/** Seconds of each of `repetitions` runs of verify on the stack's outputs (every check must pass). */
export async function verifyRuns(engine: EngineStack, repetitions: number): Promise<number[]> {
    const outputs = validateStackOutputs(await engine.outputs());
    return repeat(repetitions, () =>
        seconds(async () => {
            const results = await verifyStack(outputs);
            const failed = results.filter((result) => result.status !== "pass");
            if (failed.length > 0) throw new Error(`verify failed ${failed.length} of ${results.length} checks`);
        }),
    );
}
