/**
 * The stack's configuration: `parseConfig` takes the raw `hive-db:*` values as Pulumi hands them
 * over (strings, JSON for structured values) and the keys set with `--secret`, and returns a
 * typed, fully defaulted `HiveDbConfig`, or throws one `ConfigError` listing every problem with
 * the key that caused it. Pure: it runs before a single resource is registered.
 */
import { z } from "zod";
import { CONFIG_NAMESPACE } from "./keys";
import { configProblems } from "./rules";
import { configSchema, type HiveDbConfig } from "./schema";
import { hideSecretValues, readOwnKeys } from "./raw";

export { CONFIG_NAMESPACE } from "./keys";
export { CONFIG_KEYS, type ContainerConfig, type ExternalServerConfig, type HiveDbConfig, type ModeConfig } from "./schema";
export { identifierProblem, MAX_IDENTIFIER_BYTES } from "./identifiers";
export { SECRET_KEYS } from "./raw";

/**
 * Every problem found in the config, each naming its key. A `RunError`, so the Pulumi CLI prints
 * the message alone instead of an "unhandled exception" with a stack trace.
 */
export class ConfigError extends Error {
    /**
     * The Pulumi SDK's own brand of a RunError (`RunError.isInstance` checks it), so the program's
     * CLI run prints the message alone; branded rather than extended, so that the commands validate
     * config without loading the SDK (half a second).
     */
    readonly __pulumiRunError = true;

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

/**
 * Takes `pulumi.runtime.allConfig()` (every key of every namespace) and the keys the engine says
 * were set with `--secret` (`hive-db:adminPassword`, ...), and returns this stack's validated
 * config. Keys of other namespaces (`docker:*`, `postgresql:*`) are left to their owners.
 */
export function parseConfig(allConfig: Record<string, string>, secretKeys: readonly string[]): HiveDbConfig {
    const own = readOwnKeys(allConfig, secretKeys);
    const fail = (problems: string[]) => new ConfigError(hideSecretValues(problems, own.secretValues));
    if (own.problems.length > 0) {
        throw fail(own.problems);
    }
    const parsed = configSchema.safeParse(own.raw);
    if (!parsed.success) {
        throw fail(parsed.error.issues.map((issue) => `${keyName(issue.path)}: ${issueMessage(issue)}`));
    }
    const { adminPassword: _present, ...config } = parsed.data;
    const problems = configProblems(config, own.context);
    if (problems.length > 0) {
        throw fail(problems);
    }
    return config;
}
