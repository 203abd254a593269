/**
 * Where one engine operation's time goes, from the engine's own event stream as it arrives (the
 * Automation API streams events over a local socket; each is stamped here on arrival, finer than the
 * events' own one-second timestamps):
 *
 *   cli      from starting the CLI to its first event (CLI, backend, plugins)
 *   program  to the program's first own resource (Node, the SDK, the program's modules, config)
 *   probes   from there to the first database-layer resource (Docker and admin probes, waits)
 *   steps    from there to the last resource's outputs (the engine's steps)
 *   finish   from there to the operation's end (summary, state, the CLI exiting)
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";

import { TYPE } from "../../stack/resources";

export const PHASES = ["cli", "program", "probes", "steps", "finish"] as const;
export type Phase = (typeof PHASES)[number];
export type Breakdown = Record<Phase, number>;

/** Resource types of the database layer: the first of them ends the probes. */
const DATABASE_LAYER = new Set<string>([TYPE.hiveDatabase, TYPE.postgresqlProvider, TYPE.database, TYPE.role]);

export class EventClock {
    private readonly started = Date.now();
    private firstEvent?: number;
    private firstResource?: number;
    private firstDatabase?: number;
    private lastOutputs?: number;

    /** For the Automation API's `onEvent`. */
    readonly onEvent = (event: EngineEvent): void => {
        const now = Date.now();
        this.firstEvent ??= now;
        const pre = event.resourcePreEvent?.metadata;
        if (pre !== undefined && pre.type !== TYPE.stack) {
            this.firstResource ??= now;
            if (DATABASE_LAYER.has(pre.type)) this.firstDatabase ??= now;
        }
        if (event.resOutputsEvent !== undefined) this.lastOutputs = now;
    };

    /** The phases in seconds, once the operation has ended. */
    breakdown(ended = Date.now()): Breakdown {
        const firstEvent = this.firstEvent ?? ended;
        const firstResource = this.firstResource ?? firstEvent;
        const firstDatabase = Math.max(this.firstDatabase ?? firstResource, firstResource);
        const lastOutputs = Math.max(this.lastOutputs ?? firstDatabase, firstDatabase);
        const seconds = (from: number, to: number) => Math.max(0, to - from) / 1000;
        return {
            cli: seconds(this.started, firstEvent),
            program: seconds(firstEvent, firstResource),
            probes: seconds(firstResource, firstDatabase),
            steps: seconds(firstDatabase, lastOutputs),
            finish: seconds(lastOutputs, ended),
        };
    }
}

/** `cli 1.3, program 2.0, probes 0.9, steps 1.1, finish 0.9` — one decimal, as the report prints seconds. */
export function formatBreakdown(breakdown: Breakdown): string {
    return PHASES.map((phase) => `${phase} ${breakdown[phase].toFixed(1)}`).join(", ");
}

/** The per-phase medians of several breakdowns. */
export function medianBreakdown(samples: readonly Breakdown[], median: (values: number[]) => number): Breakdown {
    return Object.fromEntries(PHASES.map((phase) => [phase, median(samples.map((sample) => sample[phase]))])) as Breakdown;
}
