/**
 * `npm run db -- restore`: everything is checked first, changing nothing (the files' SHA-256
 * against the manifest, the target mode, the server's version, the extensions, empty schemas
 * unless --replace); --replace then backs up what it replaces; each database is restored in one
 * transaction that commits only when every table matches the manifest; the result is read back.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

import { CommandError } from "../../../shared/cli";
import { unsupportedOptions } from "./attribute-options";
import { formatBytes, secondsSince } from "./dump";
import { alteredDumps, type Manifest, MANIFEST_FILE, type ManifestDump, readManifest } from "./manifest";
import { byDatabase } from "./plan";
import { planRestore, type RestoreItem, type RestoreOptions, targetProblems } from "./restore-plan";
import { restoreDatabase } from "./restore-run";
import { readBack, readTargetFacts } from "./restore-target";
import { backupStack } from "./stack-backup";
import type { StackServer } from "./stack-server";

/** Refused before anything changed. */
export class RestoreRefused extends CommandError {
    constructor(readonly problems: string[]) {
        super(`restore refused, nothing was changed:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    }
}

export interface RestoreRequest extends RestoreOptions {
    /** A dump file, or a directory: every dump of the manifest under it. */
    path: string;
    /** With --replace: back up what is replaced first (false: --no-backup). */
    backupFirst: boolean;
    log: (line: string) => void;
}

export interface RestoreReport {
    items: RestoreItem[];
    tables: number;
    rows: number;
    seconds: number;
    /** The backup --replace took of what it replaced. */
    replacedBackup?: string;
}

/** The manifest and the dumps a path names; the manifest is in the path's directory or one of its two parents. */
export function dumpsAt(path: string): { directory: string; manifest: Manifest; dumps: ManifestDump[] } {
    const target = resolve(path);
    if (!existsSync(target)) throw new RestoreRefused([`${path} does not exist`]);
    const isDirectory = statSync(target).isDirectory();
    const start = isDirectory ? target : dirname(target);
    const directory = [start, dirname(start), dirname(dirname(start))].find((candidate) => existsSync(join(candidate, MANIFEST_FILE)));
    if (directory === undefined) throw new RestoreRefused([`no ${MANIFEST_FILE} in or above ${path}: not a hive-db backup`]);
    const manifest = readManifest(directory);
    const inside = (file: string) => {
        const from = relative(target, join(directory, file));
        return isDirectory ? !from.startsWith("..") : from === "";
    };
    const dumps = manifest.dumps.filter((dump) => inside(dump.file));
    if (dumps.length === 0) throw new RestoreRefused([`${path} is no dump the manifest ${join(directory, MANIFEST_FILE)} lists`]);
    return { directory, manifest, dumps };
}

function describeItem(item: RestoreItem): string {
    const rows = item.dump.tables.reduce((total, table) => total + table.rows, 0);
    return `mode ${item.mode.name} (${item.mode.database}: ${item.mode.schemas.join(", ")}) ← ${item.dump.file}: ${item.dump.tables.length} table(s), ${rows} rows, ${formatBytes(item.dump.bytes)}`;
}

async function checkFirst(server: StackServer, request: RestoreRequest) {
    const { directory, manifest, dumps } = dumpsAt(request.path);
    const altered = await alteredDumps(directory, dumps);
    if (altered.length > 0) throw new RestoreRefused(altered);
    const { items, problems } = planRestore(dumps, server.layout, request);
    if (problems.length > 0) throw new RestoreRefused(problems);
    const facts = await readTargetFacts(server.admin, items);
    const refusals = targetProblems(items, facts, manifest, request.replace);
    if (refusals.length > 0) throw new RestoreRefused(refusals);
    return { directory, manifest, items, occupied: items.filter((item) => (facts.occupied[item.mode.name] ?? []).length > 0) };
}

export async function restoreStack(server: StackServer, request: RestoreRequest): Promise<RestoreReport> {
    const started = Date.now();
    const { directory, manifest, items, occupied } = await checkFirst(server, request);
    request.log(
        `restoring into stack ${server.stackName} (backup of stack ${manifest.stack}, ${manifest.createdAt}, PostgreSQL ${manifest.server.version}):`,
    );
    items.forEach((item) => request.log(`  ${describeItem(item)}`));
    let replacedBackup: string | undefined;
    if (occupied.length > 0 && request.backupFirst) {
        const selection = { kind: "modes" as const, names: occupied.map((item) => item.mode.name) };
        replacedBackup = (await backupStack(server, selection, { reason: "before restore --replace", log: request.log })).directory;
        request.log(`what --replace replaces is backed up in ${replacedBackup}`);
    } else if (occupied.length > 0) {
        request.log(`--no-backup: replacing ${occupied.map((item) => item.mode.name).join(", ")} without a backup of what they hold`);
    }
    for (const [database, group] of byDatabase(items.map((item) => ({ ...item, database: item.mode.database })))) {
        const databaseStarted = Date.now();
        const options = [...new Set(group.flatMap((item) => item.dump.attributeOptions))];
        const unsupported = await unsupportedOptions({ ...server.admin, database }, options);
        if (unsupported.length > 0)
            request.log(
                `  column option(s) ${unsupported.join(", ")} of the source are unknown to the target: left out (they hold no data)`,
            );
        await restoreDatabase(server.tools, {
            directory,
            database,
            items: group,
            replace: request.replace,
            unsupportedOptions: unsupported,
            log: request.log,
        });
        request.log(`  database ${database}: restored and verified (counts, checksums, ownership) in ${secondsSince(databaseStarted)} s`);
    }
    const read = await readBack(server.admin, items);
    if (read.problems.length > 0)
        throw new CommandError(`the restored data reads back differently:\n  - ${read.problems.join("\n  - ")}`, 1);
    return { items, tables: read.tables, rows: read.rows, seconds: secondsSince(started), replacedBackup };
}
