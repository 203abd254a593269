/**
 * Takes a backup: per database, one snapshot; per mode, its tables' counts and checksums read in
 * that snapshot and one pg_dump archive of its schemas in the same snapshot; then the manifest. The
 * directory is created 0700, every file 0600; a backup that fails part-way is removed whole.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

import type { ClientConfig } from "pg";

import { CommandError } from "../../../shared/cli";
import { dumpArchive, formatBytes, secondsSince } from "./dump";
import { MANIFEST_FILE, MANIFEST_FORMAT, type Manifest, type ManifestDump } from "./manifest";
import { type BackupSelection, byDatabase, type PlannedDump } from "./plan";
import { closeSnapshot, openSnapshot, readDumpFacts, type Snapshot } from "./snapshot";
import { toolVersion, type ToolHost } from "./tools";

/** The server a backup reads: where its tools run and how the admin reaches it from here. */
export interface BackupSource {
    stack: string;
    host: ToolHost;
    /** The admin's connection from this machine (no database: each dump names its own). */
    admin: ClientConfig;
    extensionsSchema: string;
}

export interface BackupRequest {
    dumps: PlannedDump[];
    selection: BackupSelection;
    directory: string;
    /** `backup`, or the destructive act it precedes (`before restore --replace`). */
    reason: string;
    log: (line: string) => void;
    progressIntervalMs?: number;
}

/** Creates the directory (0700); one that exists must be empty. */
function createDirectory(directory: string): void {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    if (readdirSync(directory).length > 0) throw new CommandError(`${directory} is not empty: a backup goes into a new or empty directory`);
}

async function dumpOne(source: BackupSource, snapshot: Snapshot, dump: PlannedDump, request: BackupRequest): Promise<ManifestDump> {
    const facts = await readDumpFacts(snapshot, dump.schemas, [...dump.schemas, source.extensionsSchema]);
    const rows = facts.tables.reduce((total, table) => total + table.rows, 0);
    request.log(`${dump.mode}: ${dump.database} schemas ${dump.schemas.join(", ")}: ${facts.tables.length} table(s), ${rows} rows`);
    const path = join(request.directory, dump.file);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const archive = await dumpArchive(source.host, {
        database: dump.database,
        schemas: dump.schemas,
        snapshot: snapshot.id,
        path,
        log: request.log,
        progressIntervalMs: request.progressIntervalMs,
    });
    request.log(`${dump.mode}: ${path}: ${formatBytes(archive.bytes)} in ${archive.seconds} s`);
    return { ...dump, ...facts, ...archive };
}

export async function takeBackup(source: BackupSource, request: BackupRequest): Promise<Manifest> {
    const started = Date.now();
    createDirectory(request.directory);
    try {
        const tool = await toolVersion(source.host, "pg_dump");
        const dumps: ManifestDump[] = [];
        const extensions: Manifest["extensions"] = {};
        let server: Manifest["server"] | undefined;
        for (const [database, group] of byDatabase(request.dumps)) {
            const snapshot = await openSnapshot(source.admin, database);
            try {
                server = { version: snapshot.serverVersion, major: snapshot.major };
                extensions[database] = snapshot.extensions;
                for (const dump of group) dumps.push(await dumpOne(source, snapshot, dump, request));
            } finally {
                await closeSnapshot(snapshot);
            }
        }
        const manifest: Manifest = {
            format: MANIFEST_FORMAT,
            stack: source.stack,
            createdAt: new Date(started).toISOString(),
            reason: request.reason,
            selection: request.selection,
            server: server as Manifest["server"],
            tool,
            extensionsSchema: source.extensionsSchema,
            extensions,
            dumps,
        };
        writeFileSync(join(request.directory, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n", { mode: 0o600, flag: "wx" });
        const bytes = dumps.reduce((total, dump) => total + dump.bytes, 0);
        request.log(`backup: ${dumps.length} dump(s), ${formatBytes(bytes)}, in ${secondsSince(started)} s: ${request.directory}`);
        return manifest;
    } catch (error) {
        rmSync(request.directory, { recursive: true, force: true });
        throw error;
    }
}
