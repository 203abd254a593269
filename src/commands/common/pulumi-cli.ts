/**
 * The Pulumi CLI run directly, for the hot path of `npm run up` and `npm run down`: the Automation API
 * costs a second of loading (the whole SDK), runs `pulumi version` first, and after every update two
 * more CLI runs (outputs and history) that these commands do not need. A `CliStack` names a stack and
 * where its project is; `cliStackOf` makes one from an Automation API stack (tests, other commands).
 */
import { spawn } from "node:child_process";

import type { Deployment, Stack } from "@pulumi/pulumi/automation";

export interface CliStack {
    name: string;
    /** The directory holding Pulumi.yaml and the stack files. */
    workDir: string;
    /** Environment for the CLI beyond this process's (a test's backend and passphrase). */
    env?: Record<string, string>;
}

export interface CliOptions {
    /** The CLI's output as it comes (both streams). */
    onOutput?: (text: string) => void;
    /** Aborting sends the CLI one SIGINT: it cancels cleanly. */
    signal?: AbortSignal;
    /** Given on stdin (a secret), never on the command line. */
    input?: string;
    /** Leave out `--stack` (for `pulumi stack ls`). @default false */
    noStack?: boolean;
}

export class PulumiCliError extends Error {
    constructor(
        readonly args: readonly string[],
        readonly code: number | null,
        readonly stderr: string,
    ) {
        const last = stderr.trim().split("\n").slice(-3).join("\n");
        super(`pulumi ${args[0]} failed (exit ${code}): ${last}`);
    }
}

/** Runs `pulumi <args> --stack <name> --non-interactive` and resolves with its stdout. */
export function pulumi(stack: CliStack, args: string[], options: CliOptions = {}): Promise<string> {
    const fullArgs = [...args, ...(options.noStack ? [] : ["--stack", stack.name]), "--non-interactive"];
    return new Promise((resolve, reject) => {
        const child = spawn("pulumi", fullArgs, {
            cwd: stack.workDir,
            env: { ...process.env, ...stack.env },
            stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => {
            stdout += chunk;
            options.onOutput?.(chunk.toString());
        });
        child.stderr.on("data", (chunk: Buffer) => {
            stderr += chunk;
            options.onOutput?.(chunk.toString());
        });
        const abort = () => child.kill("SIGINT");
        options.signal?.addEventListener("abort", abort, { once: true });
        child.on("error", reject);
        child.on("close", (code) => {
            options.signal?.removeEventListener("abort", abort);
            if (code === 0) resolve(stdout);
            else reject(new PulumiCliError(args, code, stderr));
        });
        child.stdin.end(options.input ?? "");
    });
}

/** A stack either way: the Automation API's (tests, other commands) or a CliStack. */
export type AnyStack = Stack | CliStack;

/** A CliStack for an Automation API stack (its workspace's directory and environment), or the CliStack itself. */
export function cliStackOf(stack: AnyStack): CliStack {
    if (!("workspace" in stack)) return stack;
    const workspace = stack.workspace as { workDir: string; envVars?: Record<string, string>; pulumiHome?: string };
    const home: Record<string, string> = workspace.pulumiHome ? { PULUMI_HOME: workspace.pulumiHome } : {};
    return { name: stack.name, workDir: workspace.workDir, env: { ...workspace.envVars, ...home } };
}

/** The backend a stack's CLI runs use: its own environment's, else this process's (or the one logged in to). */
export function backendOf(stack: AnyStack, fallback: () => string | undefined): string | undefined {
    return cliStackOf(stack).env?.PULUMI_BACKEND_URL ?? fallback();
}

export interface ConfigEntry {
    value?: string;
    secret: boolean;
}

/** `pulumi config --json`: every key, secrets without their values (nothing is decrypted). */
export async function configEntries(stack: CliStack): Promise<Record<string, ConfigEntry>> {
    return JSON.parse(await pulumi(stack, ["config", "--json"])) as Record<string, ConfigEntry>;
}

export async function exportDeployment(stack: CliStack): Promise<Deployment> {
    return JSON.parse(await pulumi(stack, ["stack", "export"])) as Deployment;
}

/** `pulumi stack import` of an edited export (through stdin). */
export async function importDeployment(stack: CliStack, deployment: Deployment): Promise<void> {
    await pulumi(stack, ["stack", "import"], { input: JSON.stringify(deployment) });
}

/** The stack's names in the current backend (`pulumi stack ls`). */
export async function stackNames(stack: CliStack): Promise<string[]> {
    const stdout = await pulumi(stack, ["stack", "ls", "--json"], { noStack: true });
    return (JSON.parse(stdout) as Array<{ name: string }>).map((summary) => summary.name);
}
