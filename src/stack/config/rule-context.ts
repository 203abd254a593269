/** What a cross-field config rule receives (rules.ts, deployment-rules.ts). */
import type { HiveDbConfig } from "./schema";

/** What the rules know besides the parsed config: how keys were written, never a secret's value. */
export interface RuleContext {
    /** How `hive-db:adminPassword` is set: absent, as plain text, as an empty secret, or properly. */
    adminPassword: "missing" | "plain" | "empty" | "set";
    /** The `hive-db:container.*` keys written in the config (the parsed config has them all, defaulted). */
    containerKeys: readonly string[];
}

export type Rule = (config: HiveDbConfig, context: RuleContext) => string[];
