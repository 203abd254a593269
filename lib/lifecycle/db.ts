/**
 * `npm run db` (seed 003's --postgres-status, -start, -stop, -restart, -logs): day-to-day work on
 * the stack's container through Docker, which never touches the state or the data. Status adds the
 * stack's view: drift of its Docker resources (a refresh preview of those only: the database
 * resources cannot be read while the server is down) and verify's summary.
 */
import { spawn } from "node:child_process";

import type { Stack } from "@pulumi/pulumi/automation";

import { docker, requireDocker } from "../docker-cli";
import { allPassed, validateStackOutputs, verifyStack } from "../verify/run";
import { dockerUrns } from "./state";
import { stackConfig } from "./config";

export class DbCommandRefused extends Error {}

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

/** Docker resources whose real state differs from the stack's: a refresh preview of those resources only. */
export async function dockerDrift(stack: Stack): Promise<Record<string, number>> {
    const target = dockerUrns(await stack.exportStack());
    if (target.length === 0) return {};
    const { changeSummary } = await stack.previewRefresh({ target, color: "never" });
    return Object.fromEntries(Object.entries(changeSummary).filter(([op, count]) => op !== "same" && (count ?? 0) > 0)) as Record<
        string,
        number
    >;
}

export interface VerifySummary {
    passed: number;
    failed: string[];
    skipped: number;
}

/** verify (lib/verify) on the stack's outputs, read with their secrets. */
export async function verifySummary(stack: Stack): Promise<VerifySummary> {
    const outputs = await stack.outputs();
    const results = await verifyStack(
        validateStackOutputs(Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]))),
    );
    return {
        passed: results.filter((result) => result.status === "pass").length,
        failed: allPassed(results)
            ? []
            : results.filter((result) => result.status === "fail").map((result) => `${result.id} ${result.subject}: ${result.detail}`),
        skipped: results.filter((result) => result.status === "skip").length,
    };
}

export interface StackStatus {
    lines: string[];
    /** Running, healthy, no drift, verify passes. */
    ok: boolean;
}

/** Container state and health, drift of the stack's Docker resources, and verify's summary. */
export async function stackStatus(stack: Stack, name: string): Promise<StackStatus> {
    const state = await containerState(name);
    const running = state.status === "running";
    const lines = [`container ${name}: ${state.status}${running ? `, ${state.health}` : ""}${state.detail ? ` (${state.detail})` : ""}`];
    let ok = running && state.health !== "unhealthy" && state.health !== "starting";
    try {
        const drift = await dockerDrift(stack);
        const changes = Object.entries(drift).map(([op, count]) => `${op} ${count}`);
        lines.push(
            changes.length === 0
                ? "drift: none (the Docker resources match the stack)"
                : `drift: ${changes.join(", ")} outside Pulumi; npm run up repairs it`,
        );
        ok &&= changes.length === 0;
    } catch (error) {
        lines.push(`drift: could not be read (${(error as Error).message.split("\n")[0]})`);
        ok = false;
    }
    if (!running) {
        lines.push("verify: skipped (the container is not running; npm run db -- start)");
        return { lines, ok: false };
    }
    const summary = await verifySummary(stack);
    lines.push(`verify: ${summary.passed} passed, ${summary.failed.length} failed, ${summary.skipped} skipped`);
    lines.push(...summary.failed.map((failure) => `  FAIL ${failure}`));
    return { lines, ok: ok && summary.failed.length === 0 };
}
