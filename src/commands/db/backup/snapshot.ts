/**
 * One consistent view of a database while the apps keep writing: an admin session opens a
 * REPEATABLE READ transaction and exports its snapshot; the manifest's row counts and checksums are
 * read in it, and pg_dump (`--snapshot`) dumps exactly the same rows.
 */
import type { Client, ClientConfig } from "pg";

import { openSession } from "../../../shared/pg-session";
import { sessionSql, tableSum } from "../../migrate/checksum";
import { attributeOptionNames } from "./attribute-options";
import type { ManifestExtension, ManifestTable } from "./manifest";

export interface Snapshot {
    client: Client;
    /** pg_export_snapshot(): what `pg_dump --snapshot` takes. */
    id: string;
    serverVersion: string;
    major: number;
    /** Every extension installed in the database. */
    extensions: ManifestExtension[];
}

const EXTENSIONS_SQL = `
SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace ORDER BY e.extname`;

/** Objects in the schemas that depend on a member of an extension: a column's type, an index's operator class, a default. */
const REQUIRED_EXTENSIONS_SQL = `
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = ANY($1)),
objects AS (
    SELECT 'pg_class'::regclass AS classid, c.oid AS objid FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM ns)
    UNION ALL SELECT 'pg_type'::regclass, t.oid FROM pg_type t WHERE t.typnamespace IN (SELECT oid FROM ns)
    UNION ALL SELECT 'pg_proc'::regclass, p.oid FROM pg_proc p WHERE p.pronamespace IN (SELECT oid FROM ns)
    UNION ALL SELECT 'pg_constraint'::regclass, k.oid FROM pg_constraint k WHERE k.connamespace IN (SELECT oid FROM ns)
    UNION ALL SELECT 'pg_attrdef'::regclass, d.oid FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
        WHERE c.relnamespace IN (SELECT oid FROM ns)
)
SELECT DISTINCT e.extname AS name, e.extversion AS version, n.nspname AS schema
FROM objects o
JOIN pg_depend d ON d.classid = o.classid AND d.objid = o.objid AND d.deptype = 'n'
JOIN pg_depend m ON m.classid = d.refclassid AND m.objid = d.refobjid AND m.deptype = 'e' AND m.refclassid = 'pg_extension'::regclass
JOIN pg_extension e ON e.oid = m.refobjid JOIN pg_namespace n ON n.oid = e.extnamespace
ORDER BY 1`;

/** Tables holding rows (not an extension's own), as the manifest lists them. */
export const TABLES_SQL = `
SELECT n.nspname AS schema, c.relname AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1) AND c.relkind = 'r'
  AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname`;

export async function openSnapshot(admin: ClientConfig, database: string): Promise<Snapshot> {
    const client = await openSession({ ...admin, database, options: "-c default_transaction_read_only=on" }, "hive-db-backup");
    try {
        await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        const { rows } = await client.query<{ id: string; version: string; num: string }>(
            "SELECT pg_export_snapshot() AS id, current_setting('server_version') AS version, current_setting('server_version_num') AS num",
        );
        const extensions = (await client.query<ManifestExtension>(EXTENSIONS_SQL)).rows;
        return { client, id: rows[0].id, serverVersion: rows[0].version, major: Math.floor(Number(rows[0].num) / 10_000), extensions };
    } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
    }
}

export async function closeSnapshot(snapshot: Snapshot): Promise<void> {
    await snapshot.client.query("ROLLBACK").catch(() => undefined);
    await snapshot.client.end().catch(() => undefined);
}

/** The tables of `schemas` with their row counts and checksums, and the extensions their objects use, in the snapshot. */
export async function readDumpFacts(
    snapshot: Snapshot,
    schemas: readonly string[],
    searchPath: readonly string[],
): Promise<{ tables: ManifestTable[]; requires: ManifestExtension[]; attributeOptions: string[] }> {
    const { client } = snapshot;
    await client.query(sessionSql(searchPath));
    const names = (await client.query<{ schema: string; name: string }>(TABLES_SQL, [schemas])).rows;
    const tables: ManifestTable[] = [];
    for (const table of names) tables.push({ ...table, ...(await tableSum(client, table.schema, table.name)) });
    const requires = (await client.query<ManifestExtension>(REQUIRED_EXTENSIONS_SQL, [schemas])).rows;
    return { tables, requires, attributeOptions: await attributeOptionNames(client, schemas) };
}
