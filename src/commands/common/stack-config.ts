/**
 * Reading and writing a stack's config for the commands that change it (adopt): structured values
 * leaf by leaf with `--path` (so Pulumi.<stack>.yaml stays readable YAML), and secrets through stdin,
 * never on a command line (every local user can read a process's arguments).
 */
import { spawn } from "node:child_process";

import type { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";

import { CommandError } from "../../shared/cli";
import { ConfigError, type HiveDbConfig, parseConfig } from "../../stack/config";
import { readOwnKeys } from "../../stack/config/raw";

export interface StackConfigValues {
    /** Every key of every namespace as the program receives it (`hive-db:container` → JSON text). */
    all: Record<string, string>;
    /** The keys set with `--secret`. */
    secretKeys: string[];
    /** This project's keys, decoded (secrets only as `true`). */
    own: Record<string, unknown>;
}

export async function stackConfigValues(stack: Stack): Promise<StackConfigValues> {
    const entries = Object.entries(await stack.getAllConfig());
    const all = Object.fromEntries(entries.map(([key, entry]) => [key, entry.value]));
    const secretKeys = entries.filter(([, entry]) => entry.secret).map(([key]) => key);
    return { all, secretKeys, own: readOwnKeys(all, secretKeys).raw };
}

/** A stack config the program would refuse: every problem, naming its key (exit 2, nothing changed). */
export class StackConfigRefused extends CommandError {}

/** The stack's config as the program will see it, validated (StackConfigRefused otherwise). */
export async function stackConfig(stack: Stack): Promise<HiveDbConfig> {
    const { all, secretKeys } = await stackConfigValues(stack);
    try {
        return parseConfig(all, secretKeys);
    } catch (error) {
        if (error instanceof ConfigError) throw new StackConfigRefused(error.message, 2, { cause: error });
        throw error;
    }
}

/** `pulumi config set --secret <key>` with the value on stdin, in the stack's workspace and environment. */
export function setSecretConfig(stack: Stack, key: string, value: string): Promise<void> {
    const workspace = stack.workspace as LocalWorkspace;
    const env = { ...process.env, ...workspace.envVars, ...(workspace.pulumiHome ? { PULUMI_HOME: workspace.pulumiHome } : {}) };
    return new Promise((resolve, reject) => {
        const child = spawn(
            workspace.pulumiCommand.command,
            ["config", "set", "--secret", key, "--stack", stack.name, "--non-interactive"],
            { cwd: workspace.workDir, env, stdio: ["pipe", "ignore", "pipe"] },
        );
        let stderr = "";
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (code) =>
            code === 0 ? resolve() : reject(new Error(`pulumi config set --secret ${key} failed: ${stderr.trim().split("\n").pop()}`)),
        );
        child.stdin.end(value);
    });
}
