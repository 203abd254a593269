/**
 * What the stack commands (adopt, migrate, db) share: the stack they act on, and one way of ending —
 * exit 0 done, 1 the operation failed, 2 bad usage or a check refused to go on (nothing changed).
 */
import { join } from "node:path";

import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";

/** `HIVE_DB_STACK`, as scripts/with-stack.sh exports it; dev by default. */
export const STACK_NAME = process.env.HIVE_DB_STACK ?? "dev";

/** Where Pulumi.yaml and Pulumi.<stack>.yaml are: this repository, unless HIVE_DB_WORK_DIR names another project directory. */
const WORK_DIR = process.env.HIVE_DB_WORK_DIR ?? join(__dirname, "..");

export function openStack(options: { create?: boolean } = {}): Promise<Stack> {
    const args = { stackName: STACK_NAME, workDir: WORK_DIR };
    return options.create ? LocalWorkspace.createOrSelectStack(args) : LocalWorkspace.selectStack(args);
}

export class UsageError extends Error {}

export const say = (line: string) => process.stdout.write(`${line}\n`);

/** Runs `main`; errors of the `refusals` classes print their message alone and exit 2, others exit 1. */
export function runCli(name: string, main: () => Promise<number>, refusals: ReadonlyArray<new (...args: never[]) => Error>): void {
    main().then(
        (code) => (process.exitCode = code),
        (error: unknown) => {
            const refused = error instanceof UsageError || refusals.some((kind) => error instanceof kind);
            process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
            process.exitCode = refused ? 2 : 1;
        },
    );
}
