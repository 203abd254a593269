/**
 * `npm run db` (seed 003's --postgres-status, -start, -stop, -restart, -logs): day-to-day work on
 * the stack's container through Docker, which never touches the state or the data.
 */
import { spawn } from "node:child_process";

import type { Stack } from "@pulumi/pulumi/automation";

import { CommandError } from "../../shared/cli";
import { docker, requireDocker } from "../../shared/docker";
import { stackConfig } from "../common/stack-config";

export class DbCommandRefused extends CommandError {}

export interface ContainerState {
    name: string;
    /** `running`, `exited`, ... or `missing` when there is no such container. */
    status: string;
    /** `healthy`, `starting`, `unhealthy`, or `none` without a healthcheck. */
    health: string;
    detail?: string;
}

/** The stack's container name; refuses a stack without one, or a machine without Docker. */
export async function stackContainer(stack: Stack): Promise<string> {
    const config = await stackConfig(stack);
    if (config.server !== undefined) {
        throw new DbCommandRefused(
            `stack ${stack.name} uses an existing server (hive-db:server.host ${config.server.host}), not a container of its own: ` +
                "start, stop and read its logs where it runs; `npm run verify` checks it",
        );
    }
    await requireDocker();
    return config.container.name;
}

export async function containerState(name: string): Promise<ContainerState> {
    const format =
        "{{.State.Status}}|{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}|{{.State.StartedAt}}|{{.Config.Image}}";
    try {
        const [status, health, startedAt, image] = (await docker(["container", "inspect", "--format", format, name])).split("|");
        return { name, status, health, detail: `image ${image}, started ${startedAt}` };
    } catch {
        return { name, status: "missing", health: "none" };
    }
}

/** Waits for the healthcheck to pass after a start or restart. */
async function waitHealthy(name: string, timeoutMs: number): Promise<ContainerState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const state = await containerState(name);
        if (state.health === "healthy" || state.status !== "running" || Date.now() > deadline) return state;
        await new Promise((resolve) => setTimeout(resolve, 1000));
    }
}

/** docker start/stop/restart; start and restart wait until the server answers its healthcheck. */
export async function containerAction(name: string, action: "start" | "stop" | "restart", timeoutMs = 180_000): Promise<ContainerState> {
    if ((await containerState(name)).status === "missing") {
        throw new DbCommandRefused(`there is no container ${name}: bring the stack up with npm run up (it keeps and reuses the data)`);
    }
    await docker(action === "start" ? ["start", name] : [action, "--time", "60", name], { timeoutMs: 120_000 });
    return action === "stop" ? containerState(name) : waitHealthy(name, timeoutMs);
}

export interface LogOptions {
    tail: number;
    follow: boolean;
    /** Ends a followed log (the command line ends with Ctrl-C instead). */
    signal?: AbortSignal;
    /** Receives the log text; without it the log goes straight to this process's stdout and stderr. */
    onText?: (text: string) => void;
}

/** `docker logs [--follow]`: resolves with its exit code when it ends, or when `signal` aborts it. */
export function followLogs(name: string, options: LogOptions): Promise<number> {
    const args = ["logs", "--tail", String(options.tail), ...(options.follow ? ["--follow"] : []), name];
    const stdio = options.onText ? "pipe" : "inherit";
    return new Promise((resolve, reject) => {
        const child = spawn("docker", args, { stdio: ["ignore", stdio, stdio], signal: options.signal });
        // PostgreSQL logs to stderr, which `docker logs` replays on its own stderr.
        child.stdout?.on("data", (chunk: Buffer) => options.onText?.(chunk.toString()));
        child.stderr?.on("data", (chunk: Buffer) => options.onText?.(chunk.toString()));
        child.on("error", (error) => (error.name === "AbortError" ? resolve(0) : reject(error)));
        child.on("close", (code) => resolve(code ?? 0));
    });
}
