/**
 * The benchmark's runs on the real engine: cold ups of the dev stack, no-op previews, and ups of
 * 1–100 modes in server mode against a container the benchmark starts (untimed).
 */
import { EngineStack, ENGINE_IMAGE } from "./scratch-stack";
import { validateStackOutputs } from "../common/stack-outputs";
import { verifyStack } from "../verify/verify-stack";
import { connectOnce } from "./hand-flow";
import { repeat, seconds } from "./measure";
import { startServerContainer } from "./server-container";

const quiet = { color: "never" as const };

/** Seconds of `pulumi up` of a fresh dev stack until every mode's URL connects; then `after` on it. */
export async function coldUp(after?: (stack: EngineStack) => Promise<void>): Promise<number> {
    const engine = new EngineStack();
    try {
        await engine.create("bench");
        const elapsed = await seconds(async () => {
            await engine.stack.up(quiet);
            const outputs = await engine.outputs();
            await Promise.all(Object.values(outputs.libpqUrls).map(connectOnce));
        });
        await after?.(engine);
        return elapsed;
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

/** Seconds of `pulumi up` of `count` modes against a fresh server; then `after` on the stack. */
export async function scaleUp(
    count: number,
    serverFlags: Record<string, string>,
    after?: (stack: EngineStack) => Promise<void>,
): Promise<number> {
    const server = await startServerContainer(ENGINE_IMAGE, serverFlags);
    const engine = new EngineStack();
    try {
        const config = {
            server: { host: "127.0.0.1", port: server.port, sslmode: "disable" },
            adminUser: server.user,
            modes: scaleModes(count),
        };
        await engine.create("bench", { server: true, config }, server.password);
        const elapsed = await seconds(() => engine.stack.up(quiet));
        await after?.(engine);
        return elapsed;
    } finally {
        await engine.dispose();
        await server.remove();
    }
}

/** Seconds of each of `repetitions` no-op previews. */
export function noOpPreviews(engine: EngineStack, repetitions: number): Promise<number[]> {
    return repeat(repetitions, () => seconds(() => engine.stack.preview({ ...quiet, expectNoChanges: true })));
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
