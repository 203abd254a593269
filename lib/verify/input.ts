/**
 * verify's input: the stack outputs (`pulumi stack output --json --show-secrets`), validated
 * against the stack's own outputs contract (lib/outputs.ts).
 */
import { readSearchPaths } from "../layout";
import { stackOutputsSchema, type StackOutputs } from "../outputs";
import { readableModes } from "./targets";

export type { StackOutputs } from "../outputs";

/** What `pulumi stack output --json` prints for a secret without `--show-secrets`. */
export const SECRET_PLACEHOLDER = "[secret]";

/** Bad input: the message lists every problem and never contains a value from the input. */
export class OutputsError extends Error {
    constructor(readonly problems: string[]) {
        super(`the stack outputs cannot be used:\n  - ${problems.join("\n  - ")}`);
        this.name = "OutputsError";
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
