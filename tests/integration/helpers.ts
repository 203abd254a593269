/**
 * Docker and PostgreSQL helpers for the integration tests (real engine, real containers).
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";

import { Client, type ClientConfig } from "pg";

import { healthcheckTest } from "../../src/stack/model/server-process";

/** The locally built image (image/build-image.sh); HIVE_IMAGE_TAG selects another one. */
export const IMAGE = process.env.HIVE_IMAGE_TAG ?? "hive-db/pgvector:17";
export const PGDATA = "/var/lib/postgresql/data";

const run = promisify(execFile);

/**
 * Runs the docker CLI. `env` values are handed over through the environment and named with a bare
 * `-e NAME` by the caller, so passwords never sit on a command line (`ps` shows those to everyone).
 */
export async function docker(args: string[], env: Record<string, string> = {}): Promise<string> {
    try {
        const { stdout } = await run("docker", args, { env: { ...process.env, ...env }, timeout: 120_000, maxBuffer: 16 << 20 });
        return stdout.trim();
    } catch (error) {
        const { stderr, message } = error as { stderr?: string; message: string };
        throw new Error(`docker ${args[0]} failed: ${(stderr || message).trim()}`, { cause: error });
    }
}

/** Why the integration tests cannot run here, or undefined when they can. */
async function dockerUnavailableReason(): Promise<string | undefined> {
    try {
        await run("docker", ["info"], { timeout: 20_000 });
    } catch {
        return "no Docker engine answers 'docker info' (start one with: bash scripts/docker-bootstrap.sh)";
    }
    try {
        await run("docker", ["image", "inspect", IMAGE], { timeout: 20_000 });
    } catch {
        return `image ${IMAGE} is missing (build it with: bash image/build-image.sh)`;
    }
    return undefined;
}

/**
 * For a suite's `before`: skips the suite when Docker or the image is missing, unless
 * HIVE_DB_REQUIRE_DOCKER=1 (CI), where a missing engine must fail loudly instead.
 */
export async function requireDockerOrSkip(context: Mocha.Context): Promise<void> {
    const reason = await dockerUnavailableReason();
    if (reason === undefined) return;
    if (process.env.HIVE_DB_REQUIRE_DOCKER === "1") {
        throw new Error(`HIVE_DB_REQUIRE_DOCKER=1 but ${reason}`);
    }
    console.log(`      skipping ${context.test?.parent?.title ?? "suite"}: ${reason}`);
    context.skip();
}

/** A container/volume name no other test run uses. */
export function uniqueName(purpose: string): string {
    return `hive-test-${purpose}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/** URL-safe by default; `special` adds the characters URLs must encode. */
export function randomPassword(options: { special?: boolean } = {}): string {
    const base = randomBytes(18).toString("base64url");
    return options.special ? `${base}@/:%?#&= ` : base;
}

export interface PostgresRun {
    name: string;
    /** Named volume (or host directory) mounted on PGDATA. */
    volume: string;
    /** POSTGRES_* variables; passed through the environment, never on the command line. */
    env: Record<string, string>;
    /** After the image name: server flags (`-c k=v`) or a command. */
    args?: string[];
    /** `docker run --user`. */
    user?: string;
    /** Another image than the local default (a second major version). */
    image?: string;
}

/** The stack's own healthcheck (src/stack/model/server-process.ts) as `docker run --health-cmd` takes it. */
export function healthcheckCommand(user: string): string {
    const [form, ...command] = healthcheckTest(user);
    assert.equal(form, "CMD");
    return command.join(" ");
}

/** Starts a detached container published on a free ephemeral port of 127.0.0.1; returns that port. */
export async function startPostgres(spec: PostgresRun): Promise<number> {
    const user = spec.env.POSTGRES_USER ?? "postgres";
    await docker(
        [
            "run",
            "--detach",
            "--name",
            spec.name,
            "--publish",
            "127.0.0.1::5432",
            "--volume",
            `${spec.volume}:${PGDATA}`,
            "--health-cmd",
            healthcheckCommand(user),
            "--health-interval",
            "1s",
            "--health-timeout",
            "5s",
            "--health-retries",
            "3",
            "--health-start-period",
            "60s",
            ...(spec.user ? ["--user", spec.user] : []),
            ...Object.keys(spec.env).flatMap((key) => ["--env", key]),
            spec.image ?? IMAGE,
            ...(spec.args ?? []),
        ],
        spec.env,
    );
    return publishedPort(spec.name);
}

export async function publishedPort(name: string): Promise<number> {
    const mapping = await docker(["port", name, "5432/tcp"]);
    const match = /^127\.0\.0\.1:(\d+)$/m.exec(mapping);
    if (!match) throw new Error(`container ${name} is not published on 127.0.0.1: '${mapping}'`);
    return Number(match[1]);
}

export async function containerState(name: string): Promise<{ status: string; health: string; exitCode: number }> {
    const [status, health, exitCode] = (
        await docker([
            "inspect",
            "--format",
            "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}}",
            name,
        ])
    ).split(" ");
    return { status, health, exitCode: Number(exitCode) };
}

export async function containerLogs(name: string, lines = 30): Promise<string> {
    // PostgreSQL logs to stderr; `docker logs` replays it on its own stderr.
    const { stdout, stderr } = await run("docker", ["logs", "--tail", String(lines), name]).catch((error) => error);
    return `${stdout ?? ""}${stderr ?? ""}`;
}

/** Waits until Docker reports the healthcheck healthy; fails early, with the logs, if the container exits. */
export async function waitHealthy(name: string, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const state = await containerState(name);
        if (state.health === "healthy") return;
        if (state.status === "exited" || state.status === "dead") {
            throw new Error(`container ${name} exited (code ${state.exitCode}) before turning healthy:\n${await containerLogs(name)}`);
        }
        if (Date.now() > deadline) {
            throw new Error(`container ${name} not healthy after ${timeoutMs} ms (health: ${state.health}):\n${await containerLogs(name)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
    }
}

/** Removes a container and its anonymous volumes; a missing container is fine (cleanup paths). */
export async function removeContainer(name: string): Promise<void> {
    await run("docker", ["rm", "--force", "--volumes", name]).catch(() => undefined);
}

export async function removeVolume(name: string): Promise<void> {
    await run("docker", ["volume", "rm", "--force", name]).catch(() => undefined);
}

export function tcpConfig(port: number, user: string, password: string, database: string): ClientConfig {
    return { host: "127.0.0.1", port, user, password, database, connectionTimeoutMillis: 10_000 };
}

/** Runs `body` with a connected client and always closes it. */
export async function withClient<T>(config: ClientConfig, body: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client(config);
    client.on("error", () => undefined);
    await client.connect();
    try {
        return await body(client);
    } finally {
        await client.end();
    }
}

/** The SQLSTATE of a failed query or login (e.g. 28P01 for a wrong password). */
export async function errorCode(promise: Promise<unknown>): Promise<string | undefined> {
    try {
        await promise;
    } catch (error) {
        return (error as { code?: string }).code ?? (error as Error).message;
    }
    return undefined;
}
