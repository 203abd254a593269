/**
 * The Docker CLI as the adopt, migrate and db commands use it: one place that runs `docker`, turns
 * its failures into errors carrying Docker's own last words, and says when no engine answers.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CommandError } from "./cli";

const run = promisify(execFile);

/** Docker is missing or does not answer: the commands stop with this before doing anything. */
export class DockerUnavailable extends CommandError {}

export interface DockerOptions {
    /** Extra environment for the CLI process: values named with a bare `-e NAME` stay off the command line. */
    env?: Record<string, string>;
    timeoutMs?: number;
}

/** Runs `docker <args>` and returns its trimmed stdout; a failure carries the last line Docker printed. */
export async function docker(args: string[], options: DockerOptions = {}): Promise<string> {
    try {
        const { stdout } = await run("docker", args, {
            env: { ...process.env, ...options.env },
            timeout: options.timeoutMs ?? 120_000,
            maxBuffer: 64 << 20,
        });
        return stdout.trim();
    } catch (error) {
        const { stderr, code } = error as { stderr?: string; code?: string | number };
        if (code === "ENOENT") throw new DockerUnavailable("the docker CLI is not installed (not on PATH)");
        // Docker's last line says why; a failure without one (a timeout) has only the error's message.
        const lastLine = (stderr ?? "").trim().split("\n").pop() ?? "";
        const reason = lastLine !== "" ? lastLine : (error as Error).message;
        throw new Error(`docker ${args[0]} failed: ${reason}`, { cause: error });
    }
}

/** Throws DockerUnavailable, saying how to start Docker, unless an engine answers `docker info`. */
export async function requireDocker(): Promise<void> {
    try {
        await docker(["info", "--format", "{{.ServerVersion}}"], { timeoutMs: 20_000 });
    } catch (error) {
        if (error instanceof DockerUnavailable) throw error;
        throw new DockerUnavailable(
            `no Docker engine answers 'docker info' (${(error as Error).message.replace(/^docker info failed: /, "")}); ` +
                "start Docker (or: sudo bash scripts/docker-bootstrap.sh) and run this again",
        );
    }
}

/** The ID of the container of that name (running or not); undefined when there is none. */
export async function containerId(name: string): Promise<string | undefined> {
    return docker(["container", "inspect", "--format", "{{.Id}}", name]).catch(() => undefined);
}

/** Whether a container of that name exists (running or not). */
export async function containerExists(name: string): Promise<boolean> {
    return (await containerId(name)) !== undefined;
}
