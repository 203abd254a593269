/**
 * One pg_dump archive (custom format: compressed, and pg_restore can list and pick its entries) of
 * a mode's schemas, in a given snapshot, streamed from the tool host into a 0600 file while its
 * SHA-256 and size are computed; progress every few seconds on long dumps.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Transform } from "node:stream";

import { runTool, type ToolHost } from "./tools";

export interface DumpRequest {
    database: string;
    schemas: readonly string[];
    /** pg_export_snapshot() of the session holding the manifest's view. */
    snapshot: string;
    /** The file to create (it must not exist). */
    path: string;
    log: (line: string) => void;
    progressIntervalMs?: number;
}

export interface DumpResult {
    bytes: number;
    sha256: string;
    seconds: number;
}

/** `-n "name"`: quoted, a schema pattern matches that one name only (no case folding, no wildcards). */
export const schemaPatterns = (schemas: readonly string[]) => schemas.flatMap((schema) => ["-n", `"${schema.replace(/"/g, '""')}"`]);

export const formatBytes = (bytes: number) =>
    bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`;

export const secondsSince = (started: number) => Number(((Date.now() - started) / 1000).toFixed(1));

export async function dumpArchive(host: ToolHost, request: DumpRequest): Promise<DumpResult> {
    const started = Date.now();
    const hash = createHash("sha256");
    let bytes = 0;
    let reported = Date.now();
    const interval = request.progressIntervalMs ?? 5_000;
    const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
            hash.update(chunk);
            bytes += chunk.length;
            if (Date.now() - reported >= interval) {
                reported = Date.now();
                request.log(`  ${formatBytes(bytes)} written (${secondsSince(started)} s)`);
            }
            done(null, chunk);
        },
    });
    const file = createWriteStream(request.path, { flags: "wx", mode: 0o600 });
    const argv = ["pg_dump", "--format=custom", "--verbose", `--snapshot=${request.snapshot}`, ...schemaPatterns(request.schemas)];
    meter.pipe(file);
    const written = new Promise<void>((resolve, reject) => {
        file.on("finish", resolve);
        file.on("error", reject);
    });
    await runTool(host, argv, {
        stdout: meter,
        env: { PGDATABASE: request.database },
        onStderrLine: (line) => {
            const table = /dumping contents of table "([^"]+)"/.exec(line)?.[1];
            if (table !== undefined) request.log(`  dumping ${table}`);
        },
    });
    await written;
    return { bytes, sha256: hash.digest("hex"), seconds: secondsSince(started) };
}
