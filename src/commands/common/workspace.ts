/**
 * The stack a command acts on, chosen one way for every command: `--stack NAME`, default `dev`
 * (the stack `npm run up` creates and selects, so plain `pulumi` commands act on it too).
 */
import type { Stack } from "@pulumi/pulumi/automation";

import type { OptionSpec } from "../../shared/cli";
import { REPOSITORY } from "../../shared/repository";
import { usePulumiEnvironment } from "./pulumi-env";

export const DEFAULT_STACK = "dev";

/** The `--stack` option every command that acts on a stack declares. */
export const stackOption = {
    stack: { type: "string", short: "s", valueName: "NAME", description: `the stack to act on (default ${DEFAULT_STACK})` },
} satisfies Record<string, OptionSpec>;

/**
 * Where Pulumi.yaml and the stack files are: this repository. HIVE_DB_WORK_DIR names another project
 * directory, which only the engine tests do (their stacks live in temporary workspaces).
 */
export const PROJECT_DIR = process.env.HIVE_DB_WORK_DIR ?? REPOSITORY;

export function stackNameOf(values: { stack?: string }): string {
    return values.stack ?? DEFAULT_STACK;
}

/** Opens the named stack of this project; `create` makes it when it does not exist yet. */
export async function openStack(stackName: string, options: { create?: boolean } = {}): Promise<Stack> {
    usePulumiEnvironment();
    // Loaded here, not at the top: the Automation API loads the whole SDK, which `npm run up` does without.
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const args = { stackName, workDir: PROJECT_DIR };
    return options.create ? LocalWorkspace.createOrSelectStack(args) : LocalWorkspace.selectStack(args);
}
