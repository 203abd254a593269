/**
 * What the mode's schemas in the shared database hold already, read as the mode's own role inside
 * the migration's transaction (its search_path set): names in use, enums, extensions the role can
 * use, and for each table the migration would create that exists already, its columns and sums.
 */
import type { Client } from "pg";

import { type TableSum, tableSum } from "./checksum";

export interface TargetSchema {
    name: string;
    exists: boolean;
    /** The role may create objects in it (it owns it, in the stack's layout). */
    canCreate: boolean;
}

export interface ExistingTable extends TableSum {
    /** `name type` per column, in order, as format_type prints them under the migration's search_path. */
    columns: string[];
}

export interface TargetState {
    role: string;
    schemas: TargetSchema[];
    /** `schema.name` of every relation (tables, sequences, indexes, views) and type in the target schemas. */
    relationNames: Set<string>;
    typeNames: Set<string>;
    /** Enum labels by `schema.name`. */
    enums: Map<string, string[]>;
    /** Installed extensions: their schema and whether the role may use it. */
    extensions: Map<string, { schema: string; usable: boolean }>;
    /** Tables the plan would create that exist already, by `schema.name`. */
    existingTables: Map<string, ExistingTable>;
}

export const qualified = (schema: string, name: string) => `${schema}.${name}`;

async function names(client: Client, sql: string, schemas: readonly string[]): Promise<Set<string>> {
    const { rows } = await client.query<{ schema: string; name: string }>(sql, [schemas]);
    return new Set(rows.map((row) => qualified(row.schema, row.name)));
}

async function existingTable(client: Client, schema: string, name: string): Promise<ExistingTable> {
    const { rows } = await client.query<{ column: string }>(
        `SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) AS column FROM pg_attribute a
         WHERE a.attrelid = format('%I.%I', $1::text, $2::text)::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
        [schema, name],
    );
    return { columns: rows.map((row) => row.column), ...(await tableSum(client, schema, name)) };
}

export async function readTarget(
    client: Client,
    schemas: readonly string[],
    candidates: ReadonlyArray<{ schema: string; name: string }>,
): Promise<TargetState> {
    const { rows: found } = await client.query<TargetSchema>(
        `SELECT s.name, n.oid IS NOT NULL AS exists, coalesce(has_schema_privilege(n.oid, 'CREATE'), false) AS "canCreate"
         FROM unnest($1::text[]) AS s(name) LEFT JOIN pg_namespace n ON n.nspname = s.name`,
        [schemas],
    );
    const relationNames = await names(
        client,
        "SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1)",
        schemas,
    );
    const typeNames = await names(
        client,
        "SELECT n.nspname AS schema, t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY($1)",
        schemas,
    );
    const { rows: enumRows } = await client.query<{ schema: string; name: string; labels: string[] }>(
        `SELECT n.nspname AS schema, t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
         WHERE n.nspname = ANY($1) GROUP BY n.nspname, t.typname`,
        [schemas],
    );
    const { rows: extensionRows } = await client.query<{ name: string; schema: string; usable: boolean }>(
        `SELECT e.extname AS name, n.nspname AS schema, has_schema_privilege(n.oid, 'USAGE') AS usable
         FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace`,
    );
    const existingTables = new Map<string, ExistingTable>();
    for (const candidate of candidates.filter((table) => relationNames.has(qualified(table.schema, table.name)))) {
        existingTables.set(qualified(candidate.schema, candidate.name), await existingTable(client, candidate.schema, candidate.name));
    }
    return {
        role: (await client.query<{ role: string }>("SELECT current_user AS role")).rows[0].role,
        schemas: found,
        relationNames,
        typeNames,
        enums: new Map(enumRows.map((row) => [qualified(row.schema, row.name), row.labels])),
        extensions: new Map(extensionRows.map((row) => [row.name, { schema: row.schema, usable: row.usable }])),
        existingTables,
    };
}
