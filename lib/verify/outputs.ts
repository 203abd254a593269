/**
 * The stack outputs verify reads (`pulumi stack output --json --show-secrets`), validated.
 */
import { z } from "zod";

/** What `pulumi stack output --json` prints for a secret without `--show-secrets`. */
export const SECRET_PLACEHOLDER = "[secret]";

const name = z.string().min(1);
const perMode = <T extends z.ZodType>(value: T) => z.record(z.string(), value);

const stackOutputsSchema = z.object({
    serverHost: name,
    serverPort: z.number().int().min(1).max(65535),
    databaseName: name,
    extensionsSchema: name,
    modeNames: z.array(name).min(1),
    roles: perMode(name),
    databases: perMode(name),
    schemas: perMode(z.array(name).min(1)),
    searchPaths: perMode(z.array(name).min(1)),
    /** Modes that may SELECT (only) in every schema of the key mode. */
    readers: perMode(z.array(name)).default({}),
    libpqUrls: perMode(name),
    databaseUrls: perMode(name),
    envFiles: perMode(z.string()).optional(),
    apiPorts: perMode(z.number().int()).optional(),
    /** Not checked; read only so that no API key is ever printed. */
    apiKeys: perMode(z.string()).optional(),
});

export type StackOutputs = z.infer<typeof stackOutputsSchema>;

/** Bad input: the message lists every problem and never contains a value from the input. */
export class OutputsError extends Error {
    constructor(readonly problems: string[]) {
        super(`the stack outputs cannot be verified:\n  - ${problems.join("\n  - ")}`);
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

/** Every per-mode map must cover exactly `modeNames`; readers and roles must make sense. */
function consistencyProblems(outputs: StackOutputs): string[] {
    const modes = new Set(outputs.modeNames);
    const problems: string[] = [];
    const required = ["roles", "databases", "schemas", "searchPaths", "libpqUrls", "databaseUrls"] as const;
    const optional = ["readers", "envFiles", "apiPorts", "apiKeys"] as const;
    for (const field of [...required, ...optional]) {
        const map: Record<string, unknown> | undefined = outputs[field];
        for (const mode of Object.keys(map ?? {})) {
            if (!modes.has(mode)) problems.push(`${field}.${mode}: '${mode}' is not in modeNames`);
        }
    }
    for (const mode of outputs.modeNames) {
        for (const field of required) {
            if (outputs[field][mode] === undefined) problems.push(`${field}.${mode} is missing`);
        }
        for (const reader of outputs.readers[mode] ?? []) {
            if (!modes.has(reader)) problems.push(`readers.${mode}: reader '${reader}' is not in modeNames`);
            if (reader === mode) problems.push(`readers.${mode}: a mode cannot be its own reader`);
        }
    }
    const owners = new Map<string, string>();
    for (const mode of outputs.modeNames) {
        const role = outputs.roles[mode];
        if (role === undefined) continue;
        const other = owners.get(role);
        if (other !== undefined) problems.push(`roles: modes '${other}' and '${mode}' share role '${role}'; each mode needs its own`);
        owners.set(role, mode);
    }
    if (new Set(outputs.modeNames).size !== outputs.modeNames.length) {
        problems.push("modeNames has duplicates");
    }
    return problems;
}
