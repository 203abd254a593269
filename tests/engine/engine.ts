/**
 * The real Pulumi engine for the engine tests (src/commands/bench/scratch-stack.ts), and the one-line skip
 * where it is absent.
 */
import { engineUnavailableReason } from "../../src/commands/bench/scratch-stack";

export { ENGINE_IMAGE, EngineStack, type EngineStackOptions } from "../../src/commands/bench/scratch-stack";

/** For a suite's `before`: skips the whole suite with one line when the engine is absent. */
export async function requireEngineOrSkip(context: Mocha.Context): Promise<void> {
    const reason = await engineUnavailableReason();
    if (reason === undefined) return;
    console.log(`      skipping ${context.test?.parent?.title ?? "engine suite"}: ${reason}`);
    context.skip();
}
