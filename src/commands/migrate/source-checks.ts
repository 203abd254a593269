/**
 * What in the migrated schemas the migration does not copy, and what the copied objects depend on
 * outside them: either stops the migration before the target is touched, with the list, rather
 * than leaving a copy that looks complete and is not.
 */
import type { Client } from "pg";

/** Object kinds the copy does not recreate (tables, sequences, indexes, constraints and enums it does). */
const UNSUPPORTED_SQL = `
SELECT kind || ' ' || name AS object FROM (
    SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table'
                          WHEN 'p' THEN 'partitioned table' WHEN 'c' THEN 'composite type' ELSE 'partition' END AS kind,
           c.oid::regclass::text AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY($1) AND (c.relkind IN ('v', 'm', 'f', 'p', 'c') OR c.relispartition)
      AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
    UNION ALL
    SELECT 'inherited table', inhrelid::regclass::text FROM pg_inherits WHERE inhrelid = ANY($2) OR inhparent = ANY($2)
    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END, p.oid::regprocedure::text
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = ANY($1)
      AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype IN ('e', 'i'))
    UNION ALL
    SELECT CASE t.typtype WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range type' ELSE 'base type' END, format_type(t.oid, NULL)
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = ANY($1) AND t.typtype IN ('d', 'r', 'b') AND t.typcategory <> 'A'
      AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype IN ('e', 'i'))
    UNION ALL
    SELECT 'trigger', format('%s on %s', tgname, tgrelid::regclass) FROM pg_trigger WHERE tgrelid = ANY($2) AND NOT tgisinternal
    UNION ALL
    SELECT 'row security policy', format('%s on %s', polname, polrelid::regclass) FROM pg_policy WHERE polrelid = ANY($2)
    UNION ALL
    SELECT 'rule', format('%s on %s', rulename, ev_class::regclass) FROM pg_rewrite WHERE ev_class = ANY($2)
) unsupported ORDER BY 1`;

/**
 * Everything the copied tables, their defaults, constraints and indexes depend on: objects of
 * other schemas (which the copy would not bring along), and the extensions whose members they use
 * (which the target must have).
 */
const REFERENCES_SQL = `
WITH copied AS (
    SELECT 'pg_class'::regclass AS classid, oid AS objid FROM pg_class WHERE oid = ANY($1)
    UNION ALL SELECT 'pg_class'::regclass, indexrelid FROM pg_index WHERE indrelid = ANY($1)
    UNION ALL SELECT 'pg_attrdef'::regclass, oid FROM pg_attrdef WHERE adrelid = ANY($1)
    UNION ALL SELECT 'pg_constraint'::regclass, oid FROM pg_constraint WHERE conrelid = ANY($1)
), referenced AS (
    SELECT DISTINCT d.refclassid, d.refobjid FROM pg_depend d JOIN copied c ON c.classid = d.classid AND c.objid = d.objid
    WHERE d.deptype = 'n'
)
SELECT pg_describe_object(r.refclassid, r.refobjid, 0) AS object,
       (SELECT x.extname FROM pg_depend e JOIN pg_extension x ON x.oid = e.refobjid
        WHERE e.classid = r.refclassid AND e.objid = r.refobjid AND e.deptype = 'e') AS extension,
       (SELECT nspname FROM pg_namespace WHERE oid = CASE r.refclassid
            WHEN 'pg_class'::regclass THEN (SELECT relnamespace FROM pg_class WHERE oid = r.refobjid)
            WHEN 'pg_type'::regclass THEN (SELECT typnamespace FROM pg_type WHERE oid = r.refobjid)
            WHEN 'pg_proc'::regclass THEN (SELECT pronamespace FROM pg_proc WHERE oid = r.refobjid)
            WHEN 'pg_operator'::regclass THEN (SELECT oprnamespace FROM pg_operator WHERE oid = r.refobjid)
            WHEN 'pg_opclass'::regclass THEN (SELECT opcnamespace FROM pg_opclass WHERE oid = r.refobjid)
            WHEN 'pg_collation'::regclass THEN (SELECT collnamespace FROM pg_collation WHERE oid = r.refobjid)
        END) AS schema
FROM referenced r ORDER BY 1`;

export interface SourceDependencies {
    /** Extensions whose types, operators or access methods the copied objects use. */
    extensions: string[];
    /** Objects outside the migrated schemas the copied ones refer to. */
    outside: string[];
}

const SYSTEM_SCHEMAS = new Set(["pg_catalog", "information_schema"]);

export async function unsupportedObjects(client: Client, schemas: readonly string[], tableOids: readonly number[]): Promise<string[]> {
    return (await client.query<{ object: string }>(UNSUPPORTED_SQL, [schemas, tableOids])).rows.map((row) => row.object);
}

export async function dependencies(client: Client, schemas: readonly string[], tableOids: readonly number[]): Promise<SourceDependencies> {
    const { rows } = await client.query<{ object: string; extension: string | null; schema: string | null }>(REFERENCES_SQL, [tableOids]);
    const extensions = new Set<string>();
    const outside: string[] = [];
    for (const row of rows) {
        if (row.extension !== null) extensions.add(row.extension);
        else if (row.schema !== null && !SYSTEM_SCHEMAS.has(row.schema) && !schemas.includes(row.schema))
            outside.push(`${row.object} (schema ${row.schema})`);
    }
    return { extensions: [...extensions].sort(), outside };
}
