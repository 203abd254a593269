/**
 * The SQL around pg_restore's script, one transaction per database: BEGIN; per dump, SET ROLE to
 * the target mode's role (everything it creates is that role's) and, with --replace, drop what its
 * schemas hold; pg_restore's script; then, back as the admin, a check of every restored table's
 * row count and checksum against the manifest, of no table more or less, and of ownership, which
 * raises (and so rolls everything back) on any difference; COMMIT only after it. Pure.
 */
import { escapeIdentifier as id, escapeLiteral as literal } from "pg";

import { notInExtension } from "../../migrate/catalog";
import { SESSION_SETTINGS, tableSumSql } from "../../migrate/checksum";
import type { RestoreItem } from "./restore-plan";

/** psql prints this (`\echo`) only after COMMIT succeeded. */
export const COMMITTED_MARKER = "hive-db-restore: committed";
export const MISMATCH_PREFIX = "hive-db: the restored data does not match the backup";

const array = (names: readonly string[]) => `ARRAY[${names.map(literal).join(", ")}]::text[]`;

/** Drops every table, view, sequence, routine and type in the schemas (run as their owner; never the schemas themselves). */
export function clearSchemasSql(schemas: readonly string[]): string {
    const inSchemas = `n.nspname = ANY(${array(schemas)})`;
    return `DO $hive_db_clear$
DECLARE item record;
BEGIN
    FOR item IN SELECT format('DROP %s IF EXISTS %I.%I CASCADE', CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
            WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, n.nspname, c.relname) AS statement
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE ${inSchemas} AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND NOT c.relispartition AND ${notInExtension("pg_class", "c.oid")}
        ORDER BY c.relkind = 'S'
    LOOP EXECUTE item.statement; END LOOP;
    FOR item IN SELECT format('DROP ROUTINE IF EXISTS %s CASCADE', p.oid::regprocedure) AS statement
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${inSchemas} AND ${notInExtension("pg_proc", "p.oid")}
    LOOP EXECUTE item.statement; END LOOP;
    FOR item IN SELECT format('DROP %s IF EXISTS %I.%I CASCADE', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, n.nspname, t.typname) AS statement
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE ${inSchemas} AND t.typtype IN ('e', 'c', 'd', 'r') AND ${notInExtension("pg_type", "t.oid")}
          AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
    LOOP EXECUTE item.statement; END LOOP;
END $hive_db_clear$;`;
}

/** Before one dump's script: become the mode's role; with --replace, empty its schemas first. */
export function beforeDumpSql(item: RestoreItem, replace: boolean): string {
    return [`SET ROLE ${id(item.mode.role)};`, ...(replace ? [clearSchemasSql(item.mode.schemas)] : [])].join("\n") + "\n";
}

function tableChecks(item: RestoreItem): string[] {
    return item.dump.tables.map((table) => {
        const schema = item.schemaMap[table.schema] ?? table.schema;
        const label = literal(`${schema}.${table.name}`);
        const expected = `${literal(String(table.rows))}, ${literal(table.checksum)}`;
        return `    EXECUTE ${literal(tableSumSql(schema, table.name))} INTO got;
    IF (got.rows, got.checksum) IS DISTINCT FROM (${expected}) THEN
        problems := problems || format('%s: %s rows, checksum %s; the backup has %s rows, checksum %s', ${label}, got.rows, got.checksum, ${expected});
    END IF;`;
    });
}

/** Tables in the item's schemas that the backup does not list, and objects its role does not own. */
function shapeChecks(item: RestoreItem): string {
    const schemas = array(item.mode.schemas);
    const listed = item.dump.tables.map((table) => `(${literal(item.schemaMap[table.schema] ?? table.schema)}, ${literal(table.name)})`);
    const unlisted = listed.length === 0 ? "true" : `(n.nspname, c.relname) NOT IN (${listed.join(", ")})`;
    return `    problems := problems || coalesce((SELECT array_agg(format('%I.%I: a table the backup does not list', n.nspname, c.relname))
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY(${schemas}) AND c.relkind = 'r' AND ${notInExtension("pg_class", "c.oid")} AND ${unlisted}), '{}');
    problems := problems || coalesce((SELECT array_agg(format('%I.%I is owned by %s, not %s', n.nspname, c.relname, c.relowner::regrole, ${literal(item.mode.role)}))
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY(${schemas}) AND c.relowner <> ${literal(item.mode.role)}::regrole AND ${notInExtension("pg_class", "c.oid")}), '{}');`;
}

/** After the scripts: the check that rolls everything back on any difference, then COMMIT and the marker. */
export function verifyAndCommitSql(items: readonly RestoreItem[]): string {
    const settings = SESSION_SETTINGS.map(([name, value]) => `SET LOCAL ${name} = '${value}';`);
    const searchPath = [...new Set(items.flatMap((item) => item.mode.searchPath))].map(id).join(", ");
    return `RESET ROLE;
${settings.join("\n")}
SET LOCAL search_path = ${searchPath};
DO $hive_db_verify$
DECLARE
    got record;
    problems text[] := ARRAY[]::text[];
BEGIN
${items.flatMap((item) => [...tableChecks(item), shapeChecks(item)]).join("\n")}
    IF cardinality(problems) > 0 THEN
        RAISE EXCEPTION '${MISMATCH_PREFIX}: %', array_to_string(problems, '; ');
    END IF;
END $hive_db_verify$;
COMMIT;
\\echo ${COMMITTED_MARKER}
`;
}

/** Lines of `pg_restore -l` to keep: everything but the schemas themselves (the stack owns them, with their grants). */
export function restoreList(toc: string): string {
    return toc
        .split("\n")
        .filter((line) => !/^\d+; \d+ \d+ (SCHEMA|COMMENT - SCHEMA|ACL - SCHEMA) /.test(line))
        .join("\n");
}
