/**
 * Where one engine operation's time goes, from the engine's own event stream as it arrives (the
 * Automation API streams events over a local socket; each is stamped here on arrival, finer than the
 * events' own one-second timestamps):
 *
 *   cli        from starting the CLI to its first event (CLI, backend, plugins)
 *   program    to the program's first own resource (Node, the SDK, the program's modules, config)
 *   container  to the container's outputs: image, network, volume, container, healthcheck (none with
 *              an existing server)
 *   probes     to the first database-layer resource (the admin's probe of what exists, waits)
 *   steps      to the last resource's outputs (the database layer's steps, the rest)
 *   finish     to the operation's end (summary, state, the CLI exiting)
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";

import { TYPE } from "../../stack/resources";
import { formatSeconds, median } from "./measure";

export const PHASES = ["cli", "program", "container", "probes", "steps", "finish"] as const;
export type Phase = (typeof PHASES)[number];
export type Breakdown = Record<Phase, number>;

/** Resource types of the database layer: the first of them ends the probes. */
const DATABASE_LAYER = new Set<string>([TYPE.hiveDatabase, TYPE.postgresqlProvider, TYPE.database, TYPE.role]);

export class EventClock {
    private readonly started = Date.now();
    private firstEvent?: number;
    private firstResource?: number;
    private containerReady?: number;
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
        if (event.resOutputsEvent !== undefined) {
            this.lastOutputs = now;
            if (event.resOutputsEvent.metadata.type === TYPE.container) this.containerReady ??= now;
        }
    };

    /** Seconds from the start to `ended`. */
    elapsed(ended = Date.now()): number {
        return (ended - this.started) / 1000;
    }

    /** The phases in seconds, once the operation has ended. */
    breakdown(ended = Date.now()): Breakdown {
        const firstEvent = this.firstEvent ?? ended;
        const firstResource = this.firstResource ?? firstEvent;
        const containerReady = Math.max(this.containerReady ?? firstResource, firstResource);
        const firstDatabase = Math.max(this.firstDatabase ?? containerReady, containerReady);
        const lastOutputs = Math.max(this.lastOutputs ?? firstDatabase, firstDatabase);
        const seconds = (from: number, to: number) => Math.max(0, to - from) / 1000;
        return {
            cli: seconds(this.started, firstEvent),
            program: seconds(firstEvent, firstResource),
            container: seconds(firstResource, containerReady),
            probes: seconds(containerReady, firstDatabase),
            steps: seconds(firstDatabase, lastOutputs),
            finish: seconds(lastOutputs, ended),
        };
    }
}

/** `cli 1.3, program 2.0, container 0.0, probes 0.9, steps 1.1, finish 0.9`: one decimal, as the report prints seconds. */
export function formatBreakdown(breakdown: Breakdown): string {
    return PHASES.map((phase) => `${phase} ${formatSeconds(breakdown[phase])}`).join(", ");
}

/** The per-phase medians of several breakdowns. */
export function medianBreakdown(samples: readonly Breakdown[]): Breakdown {
    return Object.fromEntries(PHASES.map((phase) => [phase, median(samples.map((sample) => sample[phase]))])) as Breakdown;
}
