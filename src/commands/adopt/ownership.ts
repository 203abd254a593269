/**
 * The step after `up` on adopted data: every object in a mode's schemas becomes the mode role's
 * (tables with their indexes and serial/identity sequences, views, other sequences, routines,
 * types), so the app's role can use the legacy tables; `vector` leaves `public` for the shared
 * extensions schema, which every mode can use. Run as the admin. Nothing is dropped; running it
 * again changes nothing. `REASSIGN OWNED` is not used: the old owner is usually the admin itself
 * (`ai`), and it would hand the admin's every object, in every schema, to one mode.
 */
import type { Client } from "pg";
import { escapeIdentifier as id } from "pg";

import type { Layout } from "../../stack/model/layout";

export interface OwnershipChange {
    /** `TABLE`, `VIEW`, `SEQUENCE`, `ROUTINE`, `TYPE`, ... */
    kind: string;
    /** Schema-qualified, as PostgreSQL prints it. */
    object: string;
    from: string;
    to: string;
}

export interface OwnershipReport {
    database: string;
    changed: OwnershipChange[];
    /** Extensions moved into the extensions schema: `vector from public`. */
    moved: string[];
    /** Extensions that cannot move (not relocatable), left where they are. */
    unmovable: string[];
}

/** Objects of one schema not owned by the role; members of extensions and dependent objects follow their owners. */
const OBJECTS_SQL = `
WITH target AS (SELECT oid FROM pg_roles WHERE rolname = $2),
objects AS (
    SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                          WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind,
           c.oid::regclass::text AS object, c.relowner AS owner, 'pg_class'::regclass AS catalog, c.oid,
           CASE WHEN c.relkind IN ('r', 'p', 'f') THEN 0 WHEN c.relkind IN ('v', 'm') THEN 1 ELSE 2 END AS rank
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
      -- a serial or identity column's sequence changes owner with its table
      AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
               AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))
    UNION ALL
    SELECT 'ROUTINE', p.oid::regprocedure::text, p.proowner, 'pg_proc'::regclass, p.oid, 3
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1
    UNION ALL
    SELECT 'TYPE', format_type(t.oid, NULL), t.typowner, 'pg_type'::regclass, t.oid, 4
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = $1 AND (t.typtype IN ('e', 'd', 'r')
          OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
)
SELECT o.kind, o.object, pg_get_userbyid(o.owner) AS owner
FROM objects o, target
WHERE o.owner <> target.oid
  -- extension members, array and multirange types, range constructors: they follow their owner
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = o.catalog AND d.objid = o.oid AND d.deptype IN ('e', 'i'))
ORDER BY o.rank, o.object`;

const EXTENSIONS_SQL = `
SELECT e.extname AS name, n.nspname AS schema, e.extrelocatable AS relocatable
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = ANY($1) AND n.nspname <> $2 ORDER BY e.extname`;

async function schemaExists(client: Client, schema: string): Promise<boolean> {
    const { rowCount } = await client.query("SELECT FROM pg_namespace WHERE nspname = $1", [schema]);
    return (rowCount ?? 0) > 0;
}

async function ownSchema(client: Client, schema: string, role: string): Promise<OwnershipChange[]> {
    const { rows } = await client.query<{ kind: string; object: string; owner: string }>(OBJECTS_SQL, [schema, role]);
    for (const row of rows) {
        await client.query(`ALTER ${row.kind} ${row.object} OWNER TO ${id(role)}`);
    }
    return rows.map((row) => ({ kind: row.kind, object: row.object, from: row.owner, to: role }));
}

/**
 * Moves the layout's extensions into the extensions schema. The admin keeps its way of working: it
 * gets that schema on its search_path in this database, after the one the extension left.
 */
async function moveExtensions(client: Client, layout: Layout, report: OwnershipReport): Promise<void> {
    const { rows } = await client.query<{ name: string; schema: string; relocatable: boolean }>(EXTENSIONS_SQL, [
        layout.extensions,
        layout.extensionsSchema,
    ]);
    for (const extension of rows) {
        if (!extension.relocatable) {
            report.unmovable.push(`${extension.name} (in ${extension.schema}, not relocatable)`);
            continue;
        }
        await client.query(`ALTER EXTENSION ${id(extension.name)} SET SCHEMA ${id(layout.extensionsSchema)}`);
        report.moved.push(`${extension.name} from ${extension.schema}`);
        const path = ['"$user"', id(extension.schema), id(layout.extensionsSchema)].join(", ");
        await client.query(`ALTER ROLE CURRENT_USER IN DATABASE ${id(report.database)} SET search_path TO ${path}`);
    }
}

/** Gives each mode of `database` its schemas' objects and moves the extensions; one transaction. */
export async function takeOwnership(client: Client, layout: Layout, database: string): Promise<OwnershipReport> {
    const report: OwnershipReport = { database, changed: [], moved: [], unmovable: [] };
    await client.query("BEGIN");
    try {
        // An empty search_path: every name PostgreSQL prints for us is schema-qualified.
        await client.query("SET LOCAL search_path TO pg_catalog");
        for (const mode of layout.modes.filter((candidate) => candidate.database === database)) {
            for (const schema of mode.schemas) {
                if (await schemaExists(client, schema)) report.changed.push(...(await ownSchema(client, schema, mode.role)));
            }
        }
        if (await schemaExists(client, layout.extensionsSchema)) await moveExtensions(client, layout, report);
        await client.query("COMMIT");
    } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
    }
    return report;
}
