/**
 * What the backup tests compare, computed with plain SQL the backup code does not use: per table of
 * a mode's schemas, its row count and an md5 of all its rows in a fixed order.
 */
import { strict as assert } from "node:assert";
import { createReadStream } from "node:fs";

import { escapeIdentifier as id } from "pg";

import type { BackupSelection } from "../../src/commands/db/backup/plan";
import { backupStack, type StackBackup } from "../../src/commands/db/backup/stack-backup";
import { runTool } from "../../src/commands/db/backup/tools";
import type { TestServer } from "./backup-servers";

/** A server whose data the checks read: the admin's connection and the stack's outputs (a test server or an engine stack). */
export type DataTarget = Pick<TestServer, "admin" | "outputs">;
import { withClient } from "./helpers";

export function takeBackupOf(
    target: TestServer,
    selection: BackupSelection,
    directory: string,
    log: (line: string) => void,
): Promise<StackBackup> {
    return backupStack(target.server, selection, { directory, reason: "backup", log, progressIntervalMs: 0 });
}

/** `schema.table` → `rows md5`, for every table of the mode's schemas; `where` filters one table's rows (`{"agent.metrics": "id <= 10"}`). */
export async function tableState(target: DataTarget, mode: string, where: Record<string, string> = {}): Promise<Record<string, string>> {
    return withClient(target.admin(target.outputs.databases[mode]), async (client) => {
        const { rows: tables } = await client.query<{ schema: string; name: string }>(
            "SELECT schemaname AS schema, tablename AS name FROM pg_tables WHERE schemaname = ANY($1) ORDER BY 1, 2",
            [target.outputs.schemas[mode]],
        );
        const state: Record<string, string> = {};
        for (const table of tables) {
            const key = `${table.schema}.${table.name}`;
            const filter = where[key] === undefined ? "" : `WHERE ${where[key]}`;
            const { rows } = await client.query<{ value: string }>(
                `SELECT count(*) || ' ' || coalesce(md5(string_agg(r::text, '|' ORDER BY r::text)), '-') AS value FROM ${id(table.schema)}.${id(table.name)} r ${filter}`,
            );
            state[key] = rows[0].value;
        }
        return state;
    });
}

/** The largest value of a column, as text. */
export async function maxOf(target: DataTarget, mode: string, relation: string, column: string): Promise<string> {
    return withClient(target.admin(target.outputs.databases[mode]), async (client) => {
        const { rows } = await client.query<{ value: string }>(`SELECT max(${id(column)})::text AS value FROM ${relation}`);
        return rows[0].value;
    });
}

/** `pg_restore -l` of an archive, run in the server's container on the file streamed in. */
export async function archiveContents(target: TestServer, file: string): Promise<string> {
    return runTool(target.server.tools, ["pg_restore", "-l"], { stdin: createReadStream(file) });
}

/** Every table, sequence, index, view, type and function in the mode's schemas belongs to `role`. */
export async function assertOwnedBy(target: DataTarget, mode: string, role: string): Promise<void> {
    const { rows } = await withClient(target.admin(), (client) =>
        client.query<{ object: string; owner: string }>(
            `SELECT c.relname AS object, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ANY($1)
             UNION ALL SELECT t.typname, pg_get_userbyid(t.typowner) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY($1)
             UNION ALL SELECT p.proname, pg_get_userbyid(p.proowner) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY($1)`,
            [target.outputs.schemas[mode]],
        ),
    );
    assert.ok(rows.length > 10, `${rows.length} objects`);
    assert.deepEqual(
        rows.filter((row) => row.owner !== role),
        [],
    );
}
