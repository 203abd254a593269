/**
 * The stack's configuration: `parseConfig` takes the raw `hive-db:*` values as Pulumi hands them
 * over (strings, JSON for structured values) and returns a typed, fully defaulted `HiveDbConfig`,
 * or throws one `ConfigError` listing every problem with the key that caused it. Pure: it runs
 * before a single resource is registered.
 */
import { RunError } from "@pulumi/pulumi";
import { z } from "zod";
import { CONFIG_NAMESPACE, configProblems } from "./rules";
import { configSchema, type HiveDbConfig } from "./schema";

export { CONFIG_NAMESPACE } from "./rules";
export { CONFIG_KEYS, type ContainerConfig, type ExternalServerConfig, type HiveDbConfig, type ModeConfig } from "./schema";
export { identifierProblem, MAX_IDENTIFIER_BYTES } from "./identifiers";

/** Keys holding secrets: they are read with `requireSecret`, never parsed or echoed here. */
export const SECRET_KEYS = ["adminPassword"] as const;

/** Every problem found in the config, each naming its key. A RunError: the CLI prints the message alone. */
export class ConfigError extends RunError {
    constructor(readonly problems: string[]) {
        super(`Invalid ${CONFIG_NAMESPACE} configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

function keyName(issuePath: readonly PropertyKey[]): string {
    return [CONFIG_NAMESPACE + ":" + String(issuePath[0] ?? ""), ...issuePath.slice(1).map(String)].join(".").replace(/:$/, "");
}

/** A bad map key (a mode name, a server flag) carries its reason one level down. */
function issueMessage(issue: z.core.$ZodIssue): string {
    if (issue.code === "invalid_key") {
        return issue.issues.map((inner) => inner.message).join("; ");
    }
    return issue.message;
}

/** Pulumi hands over structured values as JSON and scalars as their text: accept both. */
function decodeValue(raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

/** This stack's keys, without the namespace; secrets are replaced by `true` (present). */
export function ownKeys(allConfig: Record<string, string>): Record<string, unknown> {
    const prefix = CONFIG_NAMESPACE + ":";
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(allConfig)) {
        if (key.startsWith(prefix)) {
            const name = key.slice(prefix.length);
            // Secrets are only checked for presence: their values never enter a parser or a message.
            raw[name] = (SECRET_KEYS as readonly string[]).includes(name) ? true : decodeValue(value);
        }
    }
    return raw;
}

/**
 * Takes `pulumi.runtime.allConfig()` (every key of every namespace) and returns this stack's
 * validated config. Keys of other namespaces (`docker:*`, `postgresql:*`) are left to their owners.
 */
export function parseConfig(allConfig: Record<string, string>): HiveDbConfig {
    const parsed = configSchema.safeParse(ownKeys(allConfig));
    if (!parsed.success) {
        throw new ConfigError(parsed.error.issues.map((issue) => `${keyName(issue.path)}: ${issueMessage(issue)}`));
    }
    const { adminPassword, ...config } = parsed.data;
    const problems = configProblems(config, { hasAdminPassword: adminPassword !== undefined });
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return config;
}
