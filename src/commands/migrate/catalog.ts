/**
 * What a legacy database holds in the schemas being migrated, read from its catalog inside the
 * migration's read-only snapshot. Definitions come from PostgreSQL's own deparsers
 * (pg_get_constraintdef, pg_get_indexdef, pg_get_expr, format_type) under a search_path of the
 * migrated schemas and the extensions' schemas, so they name those objects unqualified and mean the
 * same in the target, whose search_path lists the mapped schemas the same way.
 */
import type { Client } from "pg";

export interface SourceColumn {
    name: string;
    /** As format_type prints it (`vector(3)`, `mood`, `timestamp with time zone`). */
    type: string;
    notNull: boolean;
    default?: string;
    /** `a` GENERATED ALWAYS / `d` BY DEFAULT AS IDENTITY, else empty. */
    identity: string;
    /** `s` stored generated column, else empty. */
    generated: string;
    /** A collation other than the type's, qualified. */
    collation?: string;
}

export interface SourceTable {
    oid: number;
    schema: string;
    name: string;
    columns: SourceColumn[];
}

export interface SourceSequence {
    schema: string;
    name: string;
    dataType: string;
    start: string;
    increment: string;
    min: string;
    max: string;
    cache: string;
    cycle: boolean;
    lastValue: string;
    isCalled: boolean;
    /** The column it belongs to: `a` a serial's OWNED BY, `i` an identity column's own sequence. */
    owner?: { table: number; column: string; kind: "a" | "i" };
}

export interface SourceConstraint {
    table: number;
    name: string;
    /** p primary key, u unique, x exclusion, c check, f foreign key. */
    type: string;
    definition: string;
}

export interface SourceIndex {
    table: number;
    name: string;
    unique: boolean;
    /** pg_get_indexdef's text, and the quoted forms it starts with. */
    definition: string;
    quotedName: string;
    quotedTable: string;
}

export interface SourceEnum {
    schema: string;
    name: string;
    labels: string[];
}

export interface SourceCatalog {
    serverVersion: string;
    tables: SourceTable[];
    sequences: SourceSequence[];
    constraints: SourceConstraint[];
    indexes: SourceIndex[];
    enums: SourceEnum[];
}

/** Not a member of an extension (vector's types, functions and operators live in `public` too). */
export const notInExtension = (catalog: string, oid: string) =>
    `NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = '${catalog}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;

const TABLES_SQL = `
SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1) AND c.relkind = 'r' AND NOT c.relispartition AND ${notInExtension("pg_class", "c.oid")}
ORDER BY n.nspname, c.relname`;

const COLUMNS_SQL = `
SELECT a.attrelid::int AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull",
       pg_get_expr(d.adbin, d.adrelid) AS default, a.attidentity AS identity, a.attgenerated AS generated,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
            THEN (SELECT format('%I.%I', cn.nspname, co.collname) FROM pg_collation co
                  JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END AS collation
FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`;

const SEQUENCES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS "dataType", s.seqstart::text AS start,
       s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max, s.seqcache::text AS cache, s.seqcycle AS cycle,
       d.refobjid::int AS owner_table, a.attname AS owner_column, d.deptype AS owner_kind
FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
     AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
WHERE n.nspname = ANY($1) AND ${notInExtension("pg_class", "c.oid")}
ORDER BY n.nspname, c.relname`;

const CONSTRAINTS_SQL = `
SELECT conrelid::int AS table, conname AS name, contype AS type, pg_get_constraintdef(oid) AS definition
FROM pg_constraint WHERE conrelid = ANY($1) AND contype IN ('p', 'u', 'x', 'c', 'f')
ORDER BY array_position(ARRAY['p', 'u', 'x', 'c', 'f']::"char"[], contype), conrelid, conname`;

const INDEXES_SQL = `
SELECT i.indrelid::int AS table, ic.relname AS name, i.indisunique AS unique, pg_get_indexdef(i.indexrelid) AS definition,
       quote_ident(ic.relname) AS "quotedName", quote_ident(n.nspname) || '.' || quote_ident(tc.relname) AS "quotedTable"
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid
JOIN pg_namespace n ON n.oid = tc.relnamespace
WHERE i.indrelid = ANY($1)
  -- indexes of primary keys, unique and exclusion constraints come with their constraint
  AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
ORDER BY tc.relname, ic.relname`;

const ENUMS_SQL = `
SELECT n.nspname AS schema, t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
WHERE n.nspname = ANY($1) AND ${notInExtension("pg_type", "t.oid")}
GROUP BY n.nspname, t.typname ORDER BY n.nspname, t.typname`;

async function rows<T>(client: Client, sql: string, params: unknown[]): Promise<T[]> {
    return (await client.query(sql, params)).rows as T[];
}

interface SequenceRow extends Omit<SourceSequence, "owner" | "lastValue" | "isCalled"> {
    owner_table: number | null;
    owner_column: string | null;
    owner_kind: "a" | "i" | null;
}

async function sequences(client: Client, schemas: readonly string[]): Promise<SourceSequence[]> {
    const found: SourceSequence[] = [];
    for (const row of await rows<SequenceRow>(client, SEQUENCES_SQL, [schemas])) {
        const { owner_table, owner_column, owner_kind, ...sequence } = row;
        // Reading a sequence's state does not advance it.
        const state = await client.query<{ last_value: string; is_called: boolean }>(
            `SELECT last_value::text, is_called FROM ${client.escapeIdentifier(row.schema)}.${client.escapeIdentifier(row.name)}`,
        );
        found.push({
            ...sequence,
            lastValue: state.rows[0].last_value,
            isCalled: state.rows[0].is_called,
            owner:
                owner_table !== null && owner_column !== null && owner_kind !== null
                    ? { table: owner_table, column: owner_column, kind: owner_kind }
                    : undefined,
        });
    }
    return found;
}

/** Reads the catalog of `schemas`; the caller has set the snapshot and the search_path. */
export async function readCatalog(client: Client, schemas: readonly string[]): Promise<SourceCatalog> {
    const tables = await rows<Omit<SourceTable, "columns">>(client, TABLES_SQL, [schemas]);
    const oids = tables.map((table) => table.oid);
    const columns = await rows<SourceColumn & { table: number }>(client, COLUMNS_SQL, [oids]);
    return {
        serverVersion: (await client.query<{ version: string }>("SELECT current_setting($1) AS version", ["server_version"])).rows[0]
            .version,
        tables: tables.map((table) => ({
            ...table,
            columns: columns.filter((column) => column.table === table.oid).map(({ table: _table, ...column }) => stripNulls(column)),
        })),
        sequences: await sequences(client, schemas),
        constraints: await rows<SourceConstraint>(client, CONSTRAINTS_SQL, [oids]),
        indexes: await rows<SourceIndex>(client, INDEXES_SQL, [oids]),
        enums: await rows<SourceEnum>(client, ENUMS_SQL, [schemas]),
    };
}

function stripNulls(column: SourceColumn): SourceColumn {
    return { ...column, default: column.default ?? undefined, collation: column.collation ?? undefined };
}
