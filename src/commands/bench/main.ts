/**
 * npm run bench — how fast the stack comes up and answers, against the seeds' hand flow measured side
 * by side on this machine, each figure with where its time went. Needs the Pulumi CLI and plugins on
 * PATH and a Docker engine with the image; says what is missing and exits 0 otherwise.
 */
import { type CommandSpec, type ExitCode, runCommand } from "../../shared/cli";
import { parseConfig } from "../../stack/config";
import { resolveLayout } from "../../stack/model/layout";
import type { TimedRun } from "./event-log";
import { handFlowSeconds } from "./hand-flow";
import { formatSeconds as s, median, repeat } from "./measure";
import { npmUpNoChange, type UpSteps } from "./npm-up";
import { type Figure, machine, summary, timedFigure, upFigure, writeDoc } from "./report";
import { ENGINE_IMAGE, engineUnavailableReason } from "./scratch-stack";
import { coldUp, noOpPreviews, scaleUp, verifyRuns } from "./stack-runs";

const REPETITIONS = Number(process.env.HIVE_BENCH_REPETITIONS ?? 3);
const SCALES = [1, 10, 30, 100];

const log = (line: string) => process.stdout.write(`${line}\n`);
const samples = (name: string, values: number[]) => log(`  ${name}: ${values.map(s).join(", ")} s (median ${s(median(values))})`);
const secondsOf = (runs: readonly TimedRun[]) => runs.map((run) => run.seconds);

/** Cold ups of the dev stack; the last one's stack then gets the no-op previews and the `npm run up`s. */
async function devStackFigures(hand: number): Promise<Figure[]> {
    let previews: TimedRun[] = [];
    let ups: UpSteps[] = [];
    const cold = await repeat(REPETITIONS, (index) =>
        coldUp(
            index === REPETITIONS - 1
                ? async (engine) => {
                      previews = await noOpPreviews(engine, REPETITIONS);
                      ups = await repeat(REPETITIONS, () => npmUpNoChange(engine));
                  }
                : undefined,
        ),
    );
    samples("cold up", secondsOf(cold));
    samples("no-op preview", secondsOf(previews));
    samples(
        "npm run up, no change",
        ups.map((up) => up.seconds),
    );
    const ratio = median(secondsOf(cold)) / hand;
    const coldFigure = timedFigure("cold up", cold, "≤ 2.5× hand flow");
    return [
        { ...coldFigure, value: `${coldFigure.value}, ${ratio.toFixed(1)}× hand flow` },
        timedFigure("no-op preview, 3 modes", previews, "≤ 3 s"),
        upFigure(ups, "≤ 5 s"),
    ];
}

/** Ups of 1-100 modes in server mode; the 100-mode stack gets no-op previews, the 30-mode one verify. */
async function scaleFigures(flags: Record<string, string>): Promise<Figure[]> {
    const scaled: Record<number, TimedRun[]> = {};
    let bigPreviews: TimedRun[] = [];
    let verify30: number[] = [];
    for (const count of SCALES) {
        scaled[count] = await repeat(REPETITIONS, (index) => {
            const last = index === REPETITIONS - 1;
            if (last && count === 100)
                return scaleUp(count, flags, async (engine) => void (bigPreviews = await noOpPreviews(engine, REPETITIONS)));
            if (last && count === 30)
                return scaleUp(count, flags, async (engine) => void (verify30 = await verifyRuns(engine, REPETITIONS)));
            return scaleUp(count, flags);
        });
        samples(`modes ${count} up`, secondsOf(scaled[count]));
    }
    samples("modes 100 no-op preview", secondsOf(bigPreviews));
    samples("verify 30 modes", verify30);
    return [
        ...SCALES.map((count) => timedFigure(`modes ${count} up`, scaled[count], count === 100 ? "≤ 20 s" : undefined)),
        timedFigure("modes 100 no-op preview", bigPreviews, "≤ 6 s"),
        { name: "verify 30 modes", value: `${s(median(verify30))} s` },
    ];
}

async function main(writeToDoc: boolean): Promise<ExitCode> {
    const missing = await engineUnavailableReason();
    if (missing !== undefined) {
        log(`bench: skipped: ${missing}`);
        return 0;
    }
    const defaults = parseConfig({ "hive-db:adminPassword": "present" }, ["hive-db:adminPassword"]);
    const flags = defaults.container.serverFlags;
    log(`bench: image ${ENGINE_IMAGE}, ${REPETITIONS} repetitions per figure`);
    const hand = await repeat(REPETITIONS, () => handFlowSeconds(ENGINE_IMAGE, flags, resolveLayout(defaults)));
    samples("hand flow", hand);
    const figures = [
        { name: "hand flow", value: `${s(median(hand))} s` },
        ...(await devStackFigures(median(hand))),
        ...(await scaleFigures(flags)),
    ];
    const machineText = machine(ENGINE_IMAGE);
    log("");
    summary(figures).forEach(log);
    log(machineText);
    if (writeToDoc) writeDoc(figures, machineText, new Date().toISOString().slice(0, 10));
    return 0;
}

const options = {
    doc: { type: "boolean", default: false, description: "also write the figures into docs/performance.md" },
} as const;

export const benchCommand: CommandSpec<typeof options> = {
    name: "bench",
    usage: ["[--doc]"],
    summary:
        "Times the stack on the real engine against the seeds' hand flow on this machine (medians of\n" +
        "HIVE_BENCH_REPETITIONS runs, default 3), each figure with its phases: CLI start, program load, probes,\n" +
        "resource steps, finish. Needs the Pulumi CLI and plugins on PATH, Docker and the image; says what is\n" +
        "missing and exits 0 otherwise.",
    options,
    run: ({ values }) => main(values.doc),
};

if (require.main === module) void runCommand(benchCommand);
