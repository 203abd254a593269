/**
 * PostgreSQL's own client tools (pg_dump, pg_restore, psql, pg_dumpall) run inside a container
 * through `docker exec`: the stack's own container, whose tools are the server's version, or a
 * helper container of a matching image for a stack on an existing server. Data streams through the
 * exec's stdin and stdout; the admin's password travels as PGPASSWORD in the docker CLI's
 * environment, named with a bare `-e`, never on a command line.
 */
import { spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** Where the tools run and how they reach the server from there. */
export interface ToolHost {
    /** The container `docker exec` runs in. */
    container: string;
    /** libpq's PGHOST, PGPORT, PGUSER, PGSSLMODE, PGSSLROOTCERT as seen from inside that container. */
    libpq: Record<string, string>;
    /** PGPASSWORD. */
    password: string;
    /** Says where the tools ran, for the user (`pg_dump 17.6 in container hive-postgres-shared`). */
    describe: string;
}

export interface ToolRun {
    /** Streamed to the tool's stdin. */
    stdin?: Readable;
    /** Receives the tool's stdout; without it stdout is collected and returned. */
    stdout?: Writable;
    /** Each line the tool writes on stderr (pg_dump --verbose progress, psql notices). */
    onStderrLine?: (line: string) => void;
    /** More libpq variables (PGDATABASE, PGOPTIONS). */
    env?: Record<string, string>;
}

/** Password verifiers a failed statement's echo may carry (pg_dumpall's ALTER ROLE … PASSWORD '…'): never printed. */
export function scrubVerifiers(text: string): string {
    return text.replace(/SCRAM-SHA-256\$[^'\s]*/g, "***").replace(/\bmd5[0-9a-f]{32}\b/g, "***");
}

/** A tool that exited non-zero: its last words on stderr (password verifiers scrubbed). */
export class ToolFailed extends Error {
    /** What the tool wrote on stderr, scrubbed. */
    readonly stderr: string;

    constructor(
        readonly tool: string,
        readonly code: number | null,
        stderr: string,
    ) {
        const scrubbed = scrubVerifiers(stderr);
        const lines = scrubbed.trim().split("\n").filter(Boolean);
        super(`${tool} failed (exit ${code}): ${lines.slice(-3).join(" | ") || "no message"}`);
        this.name = "ToolFailed";
        this.stderr = scrubbed;
    }
}

function lineSplitter(onLine: (line: string) => void): (chunk: Buffer) => void {
    let pending = "";
    return (chunk) => {
        pending += chunk.toString();
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        lines.filter((line) => line.trim() !== "").forEach(onLine);
    };
}

/** Runs `argv` in the tool host's container; resolves with the collected stdout (empty when streamed). */
export async function runTool(host: ToolHost, argv: string[], run: ToolRun = {}): Promise<string> {
    const values: Record<string, string> = { ...host.libpq, ...run.env, PGPASSWORD: host.password };
    const args = ["exec", "-i", ...Object.keys(values).flatMap((key) => ["-e", key]), host.container, ...argv];
    const child = spawn("docker", args, { env: { ...process.env, ...values }, stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    let stdout = "";
    const onStderr = lineSplitter((line) => run.onStderrLine?.(line));
    child.stderr.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-20_000);
        onStderr(chunk);
    });
    const closed = new Promise<number | null>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", resolve);
    });
    const streams: Array<Promise<void>> = [];
    if (run.stdin) streams.push(pipeline(run.stdin, child.stdin));
    else child.stdin.end();
    if (run.stdout) streams.push(pipeline(child.stdout, run.stdout));
    else child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    // A tool that fails early closes its stdin: the stream's EPIPE is not the error to report.
    const streamed = await Promise.allSettled(streams);
    const code = await closed;
    if (code !== 0) throw new ToolFailed(argv[0], code, stderr);
    const failed = streamed.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failed) throw failed.reason;
    return stdout;
}

/** `<tool> --version`'s words after the name: `pg_dump (PostgreSQL) 17.6 (Debian 17.6-0+deb13u1)`. */
export async function toolVersion(host: ToolHost, tool: string): Promise<string> {
    return (await runTool(host, [tool, "--version"])).trim();
}
