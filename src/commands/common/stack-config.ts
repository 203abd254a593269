/**
 * Reading and writing a stack's config for the commands that change it (adopt): structured values
 * leaf by leaf with `--path` (so Pulumi.<stack>.yaml stays readable YAML), and secrets through stdin,
 * never on a command line (every local user can read a process's arguments).
 */
import { CommandError } from "../../shared/cli";
import { ConfigError, type HiveDbConfig, parseConfig } from "../../stack/config";
import { readOwnKeys, SECRET_KEYS } from "../../stack/config/raw";
import { CONFIG_NAMESPACE } from "../../stack/config/keys";
import { type AnyStack, cliStackOf, type ConfigEntry, configEntries, pulumi } from "./pulumi-cli";

export interface StackConfigValues {
    /** Every key of every namespace as the program receives it (`hive-db:container` → JSON text). */
    all: Record<string, string>;
    /** The keys set with `--secret`. */
    secretKeys: string[];
    /** This project's keys, decoded (secrets only as `true`). */
    own: Record<string, unknown>;
}

/** The keys whose values only show as secrets: hive-db:adminPassword (presence is what the commands check). */
const PRESENCE_ONLY = new Set(SECRET_KEYS.map((key) => `${CONFIG_NAMESPACE}:${key}`));

/**
 * The stack's config as `pulumi config --json` gives it. Secrets are decrypted only when a key other
 * than the admin password is one (a value the rules must read); the admin password never is.
 */
export async function stackConfigValues(stack: AnyStack): Promise<StackConfigValues> {
    const cli = cliStackOf(stack);
    let entries = Object.entries(await configEntries(cli));
    if (entries.some(([key, entry]) => entry.secret && !PRESENCE_ONLY.has(key))) {
        entries = Object.entries(JSON.parse(await pulumi(cli, ["config", "--json", "--show-secrets"])) as Record<string, ConfigEntry>);
    }
    // A secret without its value is present; its value never enters a parser.
    const all = Object.fromEntries(entries.map(([key, entry]) => [key, entry.value ?? (entry.secret ? "[secret]" : "")]));
    const secretKeys = entries.filter(([, entry]) => entry.secret).map(([key]) => key);
    return { all, secretKeys, own: readOwnKeys(all, secretKeys).raw };
}

/** A stack config the program would refuse: every problem, naming its key (exit 2, nothing changed). */
export class StackConfigRefused extends CommandError {}

/** The stack's config as the program will see it, validated (StackConfigRefused otherwise). */
export async function stackConfig(stack: AnyStack): Promise<HiveDbConfig> {
    return parseStackConfig(await stackConfigValues(stack));
}

/** Validates config values already read (StackConfigRefused on a problem). */
export function parseStackConfig({ all, secretKeys }: Pick<StackConfigValues, "all" | "secretKeys">): HiveDbConfig {
    try {
        return parseConfig(all, secretKeys);
    } catch (error) {
        if (error instanceof ConfigError) throw new StackConfigRefused(error.message, 2, { cause: error });
        throw error;
    }
}

/** `pulumi config set --secret <key>` with the value on stdin, in the stack's workspace and environment. */
export async function setSecretConfig(stack: AnyStack, key: string, value: string): Promise<void> {
    await pulumi(cliStackOf(stack), ["config", "set", "--secret", key], { input: value }).catch((error: Error) => {
        throw new Error(`pulumi config set --secret ${key} failed: ${error.message.split("\n").pop()}`, { cause: error });
    });
}
