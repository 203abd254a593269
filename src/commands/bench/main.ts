/**
 * npm run bench — how fast the stack comes up, against the seeds' hand flow measured side by side on
 * this machine. Needs the Pulumi CLI and plugins on PATH and a Docker engine with the image; skips
 * with one line otherwise. Every figure is the median of REPETITIONS runs; the last lines are the
 * summary (docs/performance.md keeps the latest).
 */
import { type CommandSpec, type ExitCode, runCommand } from "../../shared/cli";
import { parseConfig } from "../../stack/config";
import { handFlowSeconds } from "./hand-flow";
import { formatSeconds as s, median, repeat } from "./measure";
import { coldUp, noOpPreviews, scaleUp, verifyRuns } from "./stack-runs";
import { resolveLayout } from "../../stack/model/layout";
import { ENGINE_IMAGE, engineUnavailableReason } from "./scratch-stack";

const REPETITIONS = Number(process.env.HIVE_BENCH_REPETITIONS ?? 3);
const SCALES = [1, 10, 30, 100];

const log = (line: string) => process.stdout.write(`${line}\n`);
const samples = (name: string, values: number[]) => log(`  ${name}: ${values.map(s).join(", ")} s (median ${s(median(values))})`);

async function main(): Promise<ExitCode> {
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
    let previews: number[] = [];
    const cold = await repeat(REPETITIONS, (index) =>
        coldUp(index === REPETITIONS - 1 ? async (engine) => void (previews = await noOpPreviews(engine, REPETITIONS)) : undefined),
    );
    samples("cold up", cold);
    samples("no-op preview", previews);

    const scaled: Record<number, number[]> = {};
    let bigPreviews: number[] = [];
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
        samples(`modes ${count} up`, scaled[count]);
    }
    samples("modes 100 no-op preview", bigPreviews);
    samples("verify 30 modes", verify30);

    log("");
    log(`hand flow: ${s(median(hand))} s`);
    log(`cold up: ${s(median(cold))} s (${(median(cold) / median(hand)).toFixed(1)}× hand flow)`);
    log(`no-op preview: ${s(median(previews))} s`);
    log(`modes ${SCALES.join("/")} up: ${SCALES.map((count) => s(median(scaled[count]))).join("/")} s`);
    log(`modes 100 no-op preview: ${s(median(bigPreviews))} s`);
    log(`verify 30 modes: ${s(median(verify30))} s`);
    return 0;
}

export const benchCommand: CommandSpec<Record<string, never>> = {
    name: "bench",
    usage: [""],
    summary:
        "Times the stack on the real engine against the seeds' hand flow on this machine (medians of\n" +
        "HIVE_BENCH_REPETITIONS runs, default 3). Needs the Pulumi CLI and plugins on PATH, Docker and the image;\n" +
        "says what is missing and exits 0 otherwise. docs/performance.md keeps the latest figures.",
    options: {},
    run: () => main(),
};

if (require.main === module) void runCommand(benchCommand);
