/**
 * Runs one database's restore in the tool host: the archives are copied into a private temporary
 * directory there (`mktemp -d`, removed afterwards), each archive's table of contents is listed
 * and stripped of the schemas themselves, and pg_restore's scripts stream into one psql session
 * between BEGIN and the check-then-COMMIT of restore-sql.ts, with ON_ERROR_STOP: any error, a
 * mismatch included, ends the session before COMMIT and the server rolls everything back.
 *
 * A dump restored into schemas of other names (--from-mode) is first restored into a scratch
 * database, its schemas renamed there, and dumped again: pg_restore cannot rename a schema.
 */
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";

import { escapeIdentifier as id } from "pg";

import { CommandError } from "../../../shared/cli";
import { stripOptionsSed } from "./attribute-options";
import { schemaPatterns } from "./dump";
import { renames, type RestoreItem } from "./restore-plan";
import { beforeDumpSql, COMMITTED_MARKER, MISMATCH_PREFIX, restoreList, verifyAndCommitSql } from "./restore-sql";
import { runTool, ToolFailed, type ToolHost } from "./tools";

/** The restore ran and was rolled back: nothing changed. */
export class RestoreFailed extends CommandError {
    constructor(message: string) {
        super(`${message}\nthe restore was rolled back: nothing was changed`, 1);
    }
}

/** Column options the target rejects are cut out of each script by sed (attribute-options.ts); strip.sed is empty otherwise. */
const RESTORE_SCRIPT = `set -eu
d="$1"; shift
{
    printf 'BEGIN;\\n'
    for i in "$@"; do
        cat "$d/$i.pre.sql"
        { set -o pipefail; pg_restore --no-owner --no-privileges --verbose -L "$d/$i.list" -f - "$d/$i.dump" | sed -E -f "$d/strip.sed"; } \\
            || { touch "$d/failed"; exit 1; }
    done
    cat "$d/post.sql"
} | psql -X -q -v ON_ERROR_STOP=1 --no-password -o /dev/null
# psql ends quietly at the end of its input: a pg_restore that stopped early must fail the run.
[ ! -e "$d/failed" ]`;

const RENAME_SCRIPT = `set -euo pipefail
d="$1"; i="$2"; scratch="$3"; shift 3
psql -X -q -v ON_ERROR_STOP=1 --no-password -d postgres -c "CREATE DATABASE \\"$scratch\\""
trap 'psql -X -q --no-password -d postgres -c "DROP DATABASE IF EXISTS \\"$scratch\\"" >/dev/null' EXIT
psql -X -q -v ON_ERROR_STOP=1 --no-password -d "$scratch" -f "$d/$i.setup.sql"
pg_restore --no-owner --no-privileges -f - "$d/$i.dump" | sed -E -f "$d/strip.sed" | psql -X -q -v ON_ERROR_STOP=1 --no-password -o /dev/null -d "$scratch"
psql -X -q -v ON_ERROR_STOP=1 --no-password -d "$scratch" -f "$d/$i.rename.sql"
pg_dump --format=custom -d "$scratch" -f "$d/$i.renamed" "$@"
mv "$d/$i.renamed" "$d/$i.dump"`;

async function upload(host: ToolHost, path: string, content: Readable): Promise<void> {
    await runTool(host, ["sh", "-c", 'umask 077 && cat > "$1"', "sh", path], { stdin: content });
}

async function renameSchemas(host: ToolHost, dir: string, index: number, item: RestoreItem): Promise<void> {
    const setup = item.dump.requires.map(
        (extension) =>
            `CREATE SCHEMA IF NOT EXISTS ${id(extension.schema)};\nCREATE EXTENSION IF NOT EXISTS ${id(extension.name)} SCHEMA ${id(extension.schema)};`,
    );
    const rename = Object.entries(item.schemaMap)
        .filter(([from, to]) => from !== to)
        .map(([from, to]) => `ALTER SCHEMA ${id(from)} RENAME TO ${id(to)};`);
    await upload(host, `${dir}/${index}.setup.sql`, Readable.from([setup.join("\n") + "\n"]));
    await upload(host, `${dir}/${index}.rename.sql`, Readable.from([rename.join("\n") + "\n"]));
    const scratch = `hive_db_restore_${process.pid}_${index}`;
    await runTool(host, ["bash", "-c", RENAME_SCRIPT, "bash", dir, String(index), scratch, ...schemaPatterns(item.mode.schemas)]);
}

/** psql's and pg_restore's error lines, without the rest of their chatter. */
function errorLines(stderr: string): string {
    const lines = stderr.split("\n").filter((line) => /ERROR|FATAL|error:/.test(line));
    return (lines.length > 0 ? lines : stderr.trim().split("\n").slice(-3)).map((line) => line.replace(/^psql:[^:]*:\d+: /, "")).join("\n");
}

export interface DatabaseRestore {
    /** The backup directory the dumps' paths are relative to. */
    directory: string;
    /** Column options the target rejects (attribute-options.ts). */
    unsupportedOptions: string[];
    database: string;
    items: RestoreItem[];
    replace: boolean;
    log: (line: string) => void;
}

async function stage(host: ToolHost, dir: string, request: DatabaseRestore): Promise<void> {
    await upload(host, `${dir}/strip.sed`, Readable.from([stripOptionsSed(request.unsupportedOptions)]));
    for (const [index, item] of request.items.entries()) {
        await upload(host, `${dir}/${index}.dump`, createReadStream(join(request.directory, item.dump.file)));
        if (renames(item)) {
            request.log(
                `  ${item.dump.file}: renaming schemas ${Object.entries(item.schemaMap)
                    .map(([a, b]) => `${a} → ${b}`)
                    .join(", ")} in a scratch database`,
            );
            await renameSchemas(host, dir, index, item);
        }
        const toc = await runTool(host, ["pg_restore", "-l", `${dir}/${index}.dump`]);
        await upload(host, `${dir}/${index}.list`, Readable.from([restoreList(toc)]));
        await upload(host, `${dir}/${index}.pre.sql`, Readable.from([beforeDumpSql(item, request.replace)]));
    }
    await upload(host, `${dir}/post.sql`, Readable.from([verifyAndCommitSql(request.items)]));
}

export async function restoreDatabase(host: ToolHost, request: DatabaseRestore): Promise<void> {
    const dir = (await runTool(host, ["mktemp", "-d", "/tmp/hive-db-restore.XXXXXX"])).trim();
    try {
        await stage(host, dir, request);
        const indices = request.items.map((_item, index) => String(index));
        const output = await runTool(host, ["bash", "-c", RESTORE_SCRIPT, "bash", dir, ...indices], {
            env: { PGDATABASE: request.database },
            onStderrLine: (line) => {
                const table = /processing data for table "([^"]+)"/.exec(line)?.[1];
                if (table !== undefined) request.log(`  restoring ${table}`);
            },
        }).catch((error: unknown) => {
            if (!(error instanceof ToolFailed)) throw error;
            const detail = errorLines(error.stderr);
            throw new RestoreFailed(
                detail.includes(MISMATCH_PREFIX) ? detail : `restoring into database ${request.database} failed:\n${detail}`,
            );
        });
        // Without the marker psql never reached COMMIT (pg_restore stopped early): the session ended and rolled back.
        if (!output.includes(COMMITTED_MARKER))
            throw new RestoreFailed(`pg_restore stopped before the end of its script (database ${request.database})`);
    } finally {
        await runTool(host, ["rm", "-rf", dir]).catch(() => undefined);
    }
}
