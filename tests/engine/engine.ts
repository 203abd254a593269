/**
 * The real Pulumi engine for the engine tests (src/commands/bench/scratch-stack.ts), and the one-line skip
 * where it is absent.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";

import { engineUnavailableReason, type EngineStack } from "../../src/commands/bench/scratch-stack";

export { ENGINE_IMAGE, EngineStack, type EngineStackOptions } from "../../src/commands/bench/scratch-stack";

/** For a suite's `before`: skips the whole suite with one line when the engine is absent. */
export async function requireEngineOrSkip(context: Mocha.Context): Promise<void> {
    const reason = await engineUnavailableReason();
    if (reason === undefined) return;
    console.log(`      skipping ${context.test?.parent?.title ?? "engine suite"}: ${reason}`);
    context.skip();
}

/** The resources (not providers) a preview would change, each with its operations (a replacement has several). */
export async function previewChanges(stack: EngineStack): Promise<Record<string, string[]>> {
    const ops: Record<string, string[]> = {};
    const onEvent = (event: EngineEvent) => {
        const metadata = event.resourcePreEvent?.metadata;
        // Providers re-read the stack config (the dynamic one takes it all): not a resource change.
        if (metadata && metadata.op !== "same" && !metadata.type.startsWith("pulumi:providers:"))
            (ops[metadata.urn.split("::").pop() ?? metadata.urn] ??= []).push(metadata.op);
    };
    await stack.stack.preview({ color: "never", onEvent });
    return ops;
}

/** Prints and empties the timings a suite collected (a suite's own figures, as `npm run test:engine` shows them). */
export function printTimings(timings: string[]): void {
    if (timings.length === 0) return;
    console.log(
        `      timings:\n${timings
            .splice(0)
            .map((line) => `        ${line}`)
            .join("\n")}`,
    );
}
