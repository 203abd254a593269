/**
 * The stack outputs as the commands read them (`pulumi stack output --json --show-secrets`, a file,
 * stdin, or the stack itself), validated against the stack's own outputs contract
 * (src/stack/model/outputs.ts). Error messages name fields and sources, never a value.
 */
import { fstatSync, readFileSync } from "node:fs";

import type { Stack } from "@pulumi/pulumi/automation";

import { CommandError } from "../../shared/cli";
import { readStdin } from "../../shared/stdin";
import { type ReadableMode, readSearchPaths } from "../../stack/model/layout";
import { stackOutputsSchema, type StackOutputs } from "../../stack/model/outputs";

export type { StackOutputs } from "../../stack/model/outputs";

/** What `pulumi stack output --json` prints for a secret without `--show-secrets`. */
export const SECRET_PLACEHOLDER = "[secret]";

/** Bad input: the message lists every problem and never contains a value from the input. */
export class OutputsError extends CommandError {
    constructor(readonly problems: string[]) {
        super(`the stack outputs cannot be used:\n  - ${problems.join("\n  - ")}`);
    }
}

/** Parses the JSON text of the outputs; see `validateStackOutputs`. */
export function parseStackOutputs(json: string): StackOutputs {
    let raw: unknown;
    try {
        raw = JSON.parse(json);
    } catch (error) {
        // JSON.parse quotes the offending text, which may be a password: report the position only.
        const position = /position \d+/.exec(String(error))?.[0];
        throw new OutputsError([
            `not valid JSON${position ? ` (at ${position})` : ""}; expected the output of 'pulumi stack output --json --show-secrets'`,
        ]);
    }
    return validateStackOutputs(raw);
}

export function validateStackOutputs(raw: unknown): StackOutputs {
    const hidden = placeholderPaths(raw);
    if (hidden.length > 0) {
        throw new OutputsError([
            `secrets are hidden (${hidden.slice(0, 3).join(", ")}${hidden.length > 3 ? ", ..." : ""} = "${SECRET_PLACEHOLDER}"): ` +
                "run 'pulumi stack output --json --show-secrets'",
        ]);
    }
    const parsed = stackOutputsSchema.safeParse(raw);
    if (!parsed.success) {
        throw new OutputsError(parsed.error.issues.map((issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`));
    }
    const problems = consistencyProblems(parsed.data);
    if (problems.length > 0) {
        throw new OutputsError(problems);
    }
    return parsed.data;
}

function placeholderPaths(value: unknown, path = "outputs"): string[] {
    if (value === SECRET_PLACEHOLDER) {
        return [path];
    }
    if (value !== null && typeof value === "object") {
        return Object.entries(value).flatMap(([key, child]) => placeholderPaths(child, `${path}.${key}`));
    }
    return [];
}

/** The per-mode maps of the contract: each must cover exactly `modeNames`. */
const PER_MODE_FIELDS = [
    "roles",
    "databases",
    "schemas",
    "searchPaths",
    "readers",
    "apiPorts",
    "databaseUrls",
    "libpqUrls",
    "readUrls",
    "readLibpqUrls",
    "envFiles",
    "apiKeys",
] as const satisfies ReadonlyArray<keyof StackOutputs>;

function coverageProblems(outputs: StackOutputs): string[] {
    const modes = new Set(outputs.modeNames);
    const problems: string[] = [];
    for (const field of PER_MODE_FIELDS) {
        for (const mode of Object.keys(outputs[field])) {
            if (!modes.has(mode)) problems.push(`${field}.${mode}: '${mode}' is not in modeNames`);
        }
        for (const mode of outputs.modeNames) {
            if (!Object.hasOwn(outputs[field], mode)) problems.push(`${field}.${mode} is missing`);
        }
    }
    if (modes.size !== outputs.modeNames.length) problems.push("modeNames has duplicates");
    return problems;
}

/** Readers are other modes; no two modes share a role. */
function relationProblems(outputs: StackOutputs): string[] {
    const modes = new Set(outputs.modeNames);
    const problems: string[] = [];
    const owners = new Map<string, string>();
    for (const mode of outputs.modeNames) {
        for (const reader of outputs.readers[mode] ?? []) {
            if (!modes.has(reader)) problems.push(`readers.${mode}: reader '${reader}' is not in modeNames`);
            if (reader === mode) problems.push(`readers.${mode}: a mode cannot be its own reader`);
        }
        const role = outputs.roles[mode];
        if (role === undefined) continue;
        const other = owners.get(role);
        if (other !== undefined) problems.push(`roles: modes '${other}' and '${mode}' share role '${role}'; each mode needs its own`);
        owners.set(role, mode);
    }
    return problems;
}

/** Each mode has a read URL for exactly the other databases it may read (`readers`), no more. */
function readUrlProblems(outputs: StackOutputs): string[] {
    const expected = readSearchPaths(readableModes(outputs), outputs.extensionsSchema);
    const problems: string[] = [];
    for (const field of ["readUrls", "readLibpqUrls"] as const) {
        for (const mode of outputs.modeNames) {
            const actual = Object.keys(outputs[field][mode]);
            const wanted = Object.keys(expected[mode]);
            for (const database of wanted.filter((name) => !actual.includes(name))) {
                problems.push(`${field}.${mode}.${database} is missing: mode '${mode}' reads a mode in database '${database}'`);
            }
            for (const database of actual.filter((name) => !wanted.includes(name))) {
                problems.push(`${field}.${mode}.${database}: mode '${mode}' reads no mode in database '${database}' (see readers)`);
            }
        }
    }
    return problems;
}

function consistencyProblems(outputs: StackOutputs): string[] {
    const coverage = coverageProblems(outputs);
    const relations = relationProblems(outputs);
    // Read URLs are judged against modes, databases and readers: only once those are sound.
    return [...coverage, ...relations, ...(coverage.length + relations.length === 0 ? readUrlProblems(outputs) : [])];
}

/** The modes as read access sees them, from the public outputs. */
export function readableModes(outputs: StackOutputs): ReadableMode[] {
    return outputs.modeNames.map((name) => ({
        name,
        database: outputs.databases[name],
        schemas: outputs.schemas[name],
        readers: outputs.readers[name] ?? [],
    }));
}

/**
 * The text of `pulumi stack output --json --show-secrets`: from `source`, a file, or stdin for
 * `-`. Error messages name the source, never its content.
 */
export async function readOutputsText(source: string): Promise<string> {
    if (source === "-") {
        if (process.stdin.isTTY) {
            throw new CommandError("no outputs on stdin: pipe `pulumi stack output --json --show-secrets` in, or name a file");
        }
        const text = await readStdin();
        if (text.trim() === "") throw new CommandError("stdin is empty: expected `pulumi stack output --json --show-secrets`");
        return text;
    }
    try {
        return readFileSync(source, "utf8");
    } catch (error) {
        throw new CommandError(`cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
}

/** The outputs of a stack, read with their secrets through the Automation API, validated. */
export async function outputsOfStack(stack: Stack): Promise<StackOutputs> {
    const outputs = await stack.outputs();
    return validateStackOutputs(Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value])));
}

/** Whether something is piped or redirected into stdin (not a terminal, not /dev/null, not closed). */
function stdinHasInput(): boolean {
    try {
        const stat = fstatSync(0);
        return stat.isFIFO() || stat.isFile() || stat.isSocket();
    } catch {
        return false;
    }
}

/**
 * Where a command reads the outputs: a file, stdin (`-`, or piped in), else the stack named with
 * `--stack` (default dev).
 */
export async function readCommandOutputs(file: string | undefined, stackName: string | undefined): Promise<StackOutputs> {
    if (file !== undefined && stackName !== undefined) throw new CommandError("give an outputs file or --stack, not both");
    if (file !== undefined || (stackName === undefined && stdinHasInput())) return parseStackOutputs(await readOutputsText(file ?? "-"));
    const { DEFAULT_STACK, openStack } = await import("./workspace");
    return outputsOfStack(await openStack(stackName ?? DEFAULT_STACK));
}
