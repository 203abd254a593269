/**
 * The benchmark's summary: the figures (median of the repetitions) with where each one's time went,
 * the machine and versions they were measured on, and the block of docs/performance.md they replace
 * (`npm run bench -- --doc`).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { join } from "node:path";

import { REPOSITORY } from "../../shared/repository";
import { formatBreakdown, medianBreakdown } from "./breakdown";
import type { TimedRun } from "./event-log";
import { formatSeconds, median } from "./measure";
import { formatUpSteps, type UpSteps } from "./npm-up";

export interface Figure {
    name: string;
    /** The figure's line: `3.1 s (target ≤ 3 s)`. */
    value: string;
    /** Where the time went, when measured. */
    detail?: string;
}

export function timedFigure(name: string, runs: readonly TimedRun[], target?: string): Figure {
    const value = `${formatSeconds(median(runs.map((run) => run.seconds)))} s${target ? ` (target ${target})` : ""}`;
    return {
        name,
        value,
        detail: formatBreakdown(medianBreakdown(runs.map((run) => run.breakdown))),
    };
}

export function upFigure(runs: readonly UpSteps[], target: string): Figure {
    const middle = [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
    return { name: "npm run up, no change", value: `${formatSeconds(middle.seconds)} s (target ${target})`, detail: formatUpSteps(middle) };
}

const quiet = (command: string, args: string[]) => {
    try {
        return execFileSync(command, args, { encoding: "utf8", timeout: 20_000 }).trim();
    } catch {
        return "unknown";
    }
};

/** The machine and the versions: what a figure means depends on them. */
export function machine(image: string): string {
    const versions = ["pulumi", "docker", "postgresql", "random"].map((name) => {
        const version = JSON.parse(readFileSync(join(REPOSITORY, "node_modules", "@pulumi", name, "package.json"), "utf8")).version;
        return `@pulumi/${name} ${version}`;
    });
    return [
        `${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}`,
        `Pulumi CLI ${quiet("pulumi", ["version"])}, Docker ${quiet("docker", ["version", "--format", "{{.Server.Version}}"])}, image ${image}`,
        versions.join(", "),
    ].join("\n");
}

export function summary(figures: readonly Figure[]): string[] {
    return figures.flatMap((figure) => [`${figure.name}: ${figure.value}`, ...(figure.detail ? [`  ${figure.detail}`] : [])]);
}

const BEGIN = "<!-- bench:begin -->";
const END = "<!-- bench:end -->";

/** Replaces the block between the bench markers of docs/performance.md with this run. */
export function writeDoc(figures: readonly Figure[], machineText: string, date: string): void {
    const file = join(REPOSITORY, "docs", "performance.md");
    const text = readFileSync(file, "utf8");
    const start = text.indexOf(BEGIN);
    const end = text.indexOf(END);
    if (start < 0 || end < start) throw new Error(`${file} has no ${BEGIN} … ${END} block to replace`);
    const rows = figures.map((figure) => `| ${figure.name} | ${figure.value} | ${figure.detail ?? ""} |`);
    const block = [
        BEGIN,
        `Measured ${date} by \`npm run bench -- --doc\` (medians), on:`,
        "",
        "```",
        machineText,
        "```",
        "",
        "| figure | median | where the time went (seconds) |",
        "|---|---|---|",
        ...rows,
        END,
    ].join("\n");
    writeFileSync(file, text.slice(0, start) + block + text.slice(end + END.length));
}
