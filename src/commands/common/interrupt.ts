/**
 * Ctrl-C while the Pulumi engine runs. The CLI cancels cleanly on its first SIGINT (no new steps,
 * the state saved, the lock released) and terminates on a second one. A terminal's Ctrl-C reaches the
 * whole process group, the CLI included, so this process must neither exit nor signal again: it
 * waits for the engine and then exits 130. A signal sent to this process alone (`kill -INT`, a
 * supervisor's SIGTERM) is passed on once, through the Automation API's abort signal, unless the
 * CLI shows within a moment that it got one itself.
 */
import { CommandError } from "../../shared/cli";

export class Interrupted extends CommandError {
    constructor(what: string) {
        super(`interrupted: ${what} was cancelled cleanly (state saved, lock released); run the command again to finish`, 130);
    }
}

export interface EngineRun {
    /** For every Automation API operation of the run. */
    signal: AbortSignal;
    /** The engine's own output: shown, and watched for its cancellation notice. */
    onOutput: (text: string) => void;
    /** Throws Interrupted once a signal came: call it between operations. */
    checkpoint(what: string): void;
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** How long the CLI has to show it got the signal itself before it is passed on. */
const FORWARD_AFTER_MS = 1500;

export async function withEngine<T>(what: string, show: (text: string) => void, body: (run: EngineRun) => Promise<T>): Promise<T> {
    const abort = new AbortController();
    let signalled: string | undefined;
    let cliCancelling = false;
    const onSignal = (signal: string) => {
        if (signalled !== undefined) return void process.stderr.write(`${signal}: still waiting for the engine to cancel\n`);
        signalled = signal;
        process.stderr.write(`\n${signal}: letting the Pulumi engine cancel ${what} cleanly; this takes a moment\n`);
        setTimeout(() => cliCancelling || abort.abort(), FORWARD_AFTER_MS).unref();
    };
    const handlers = SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
    handlers.forEach(([signal, handler]) => process.on(signal, handler));
    const run: EngineRun = {
        signal: abort.signal,
        onOutput: (text) => {
            if (/received; cancelling/.test(text)) cliCancelling = true;
            show(text);
        },
        checkpoint: (step) => {
            if (signalled !== undefined) throw new Interrupted(`${what} (before ${step})`);
        },
    };
    try {
        return await body(run);
    } catch (error) {
        if (signalled !== undefined) throw new Interrupted(what);
        throw error;
    } finally {
        handlers.forEach(([signal, handler]) => process.off(signal, handler));
    }
}
