/**
 * What a restore's target server holds, read as the admin before anything is changed: its major
 * version, the extensions of each target database, which target schemas exist, and what they hold.
 * And, after the restore, the same tables' counts and checksums, read back independently.
 */
import type { ClientConfig } from "pg";

import { withSession } from "../../../shared/pg-session";
import { sessionSql, tableSum } from "../../migrate/checksum";
import type { ManifestExtension } from "./manifest";
import { byDatabase } from "./plan";
import type { RestoreItem, TargetFacts } from "./restore-plan";

const OBJECTS_SQL = `
SELECT format('%I.%I (%s)', n.nspname, c.relname, CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
       WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' ELSE 'foreign table' END) AS object
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND NOT c.relispartition
  AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
UNION ALL
SELECT format('%s (routine)', p.oid::regprocedure) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = ANY($1) AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
UNION ALL
SELECT format('%I.%I (type)', n.nspname, t.typname) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = ANY($1) AND t.typtype IN ('e', 'c', 'd', 'r') AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
  AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY 1`;

export async function readTargetFacts(admin: ClientConfig, items: readonly RestoreItem[]): Promise<TargetFacts> {
    const facts: TargetFacts = { major: 0, extensions: {}, occupied: {}, missingSchemas: {} };
    for (const [database, group] of byDatabase(items.map((item) => ({ ...item, database: item.mode.database })))) {
        await withSession({ ...admin, database }, "hive-db-restore", async (client) => {
            facts.major = Math.floor(
                Number((await client.query<{ n: string }>("SELECT current_setting('server_version_num') AS n")).rows[0].n) / 10_000,
            );
            facts.extensions[database] = (
                await client.query<ManifestExtension>(
                    "SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace",
                )
            ).rows;
            for (const item of group) {
                const existing = (
                    await client.query<{ name: string }>("SELECT nspname AS name FROM pg_namespace WHERE nspname = ANY($1)", [
                        item.mode.schemas,
                    ])
                ).rows;
                facts.missingSchemas[item.mode.name] = item.mode.schemas.filter((schema) => !existing.some((row) => row.name === schema));
                facts.occupied[item.mode.name] = (await client.query<{ object: string }>(OBJECTS_SQL, [item.mode.schemas])).rows.map(
                    (row) => row.object,
                );
            }
        });
    }
    return facts;
}

/** After the commit: every restored table's count and checksum read back as the admin; problems, or none. */
export async function readBack(
    admin: ClientConfig,
    items: readonly RestoreItem[],
): Promise<{ tables: number; rows: number; problems: string[] }> {
    const result = { tables: 0, rows: 0, problems: [] as string[] };
    for (const item of items) {
        await withSession({ ...admin, database: item.mode.database }, "hive-db-restore", async (client) => {
            await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            await client.query(sessionSql(item.mode.searchPath));
            for (const table of item.dump.tables) {
                const schema = item.schemaMap[table.schema] ?? table.schema;
                const sum = await tableSum(client, schema, table.name);
                result.tables += 1;
                result.rows += sum.rows;
                if (sum.rows !== table.rows || sum.checksum !== table.checksum) {
                    result.problems.push(
                        `${schema}.${table.name}: ${sum.rows} rows, checksum ${sum.checksum}; the backup has ${table.rows}, ${table.checksum}`,
                    );
                }
            }
            await client.query("ROLLBACK");
        });
    }
    return result;
}
