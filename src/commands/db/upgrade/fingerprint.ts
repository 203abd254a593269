/**
 * A whole server's data as the upgrade compares it, old against new: its roles, its databases and,
 * in each, every table's row count and checksum, every sequence's position, every relation's owner
 * and the extensions. Both servers are private and idle while they are read, so equal fingerprints
 * mean nothing was lost. Extension versions are listed, not compared: the new server's are its own.
 */
import type { Client, ClientConfig } from "pg";
import { escapeIdentifier as id } from "pg";

import { withSession } from "../../../shared/pg-session";
import { sessionSql, tableSum } from "../../migrate/checksum";

export interface ServerFingerprint {
    /** `name: attributes`. */
    roles: string[];
    /** `name owned by x`. */
    databases: string[];
    /** `database.schema.table` → `rows checksum`. */
    tables: Record<string, string>;
    /** `database.schema.sequence` → `last_value is_called`. */
    sequences: Record<string, string>;
    /** `database.schema.name (kind)` → owner. */
    owners: Record<string, string>;
    /** `database: name` (the version is the server's own). */
    extensions: string[];
    /** `database: name version`. */
    extensionVersions: string[];
}

const USER_OBJECTS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
  AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')`;

async function readDatabase(client: Client, database: string, into: ServerFingerprint): Promise<void> {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.query(sessionSql(["pg_catalog"]));
    const { rows: relations } = await client.query<{ schema: string; name: string; kind: string; owner: string }>(
        `SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind, pg_get_userbyid(c.relowner) AS owner
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_OBJECTS} ORDER BY 1, 2`,
    );
    for (const relation of relations) {
        const key = `${database}.${relation.schema}.${relation.name}`;
        into.owners[`${key} (${relation.kind})`] = relation.owner;
        if (relation.kind === "r") {
            const sum = await tableSum(client, relation.schema, relation.name);
            into.tables[key] = `${sum.rows} ${sum.checksum}`;
        }
        if (relation.kind === "S") {
            const { rows } = await client.query<{ state: string }>(
                `SELECT last_value || ' ' || is_called AS state FROM ${id(relation.schema)}.${id(relation.name)}`,
            );
            into.sequences[key] = rows[0].state;
        }
    }
    const { rows: extensions } = await client.query<{ name: string; version: string }>(
        "SELECT extname AS name, extversion AS version FROM pg_extension ORDER BY 1",
    );
    into.extensions.push(...extensions.map((extension) => `${database}: ${extension.name}`));
    into.extensionVersions.push(...extensions.map((extension) => `${database}: ${extension.name} ${extension.version}`));
    await client.query("ROLLBACK");
}

export async function readFingerprint(admin: ClientConfig): Promise<ServerFingerprint> {
    const into: ServerFingerprint = {
        roles: [],
        databases: [],
        tables: {},
        sequences: {},
        owners: {},
        extensions: [],
        extensionVersions: [],
    };
    const databases = await withSession({ ...admin, database: "postgres" }, "hive-db-upgrade", async (client) => {
        const roles = await client.query<{ line: string }>(
            `SELECT rolname || ': ' || concat_ws(' ', CASE WHEN rolsuper THEN 'superuser' END, CASE WHEN rolcanlogin THEN 'login' END,
                    CASE WHEN rolcreatedb THEN 'createdb' END, CASE WHEN rolcreaterole THEN 'createrole' END, 'limit ' || rolconnlimit,
                    CASE WHEN rolpassword IS NOT NULL THEN 'password' END) AS line
             FROM pg_authid WHERE rolname NOT LIKE 'pg\\_%' ORDER BY rolname`,
        );
        into.roles = roles.rows.map((row) => row.line);
        const list = await client.query<{ name: string; owner: string }>(
            "SELECT datname AS name, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1",
        );
        into.databases = list.rows.map((row) => `${row.name} owned by ${row.owner}`);
        return list.rows.map((row) => row.name);
    });
    for (const database of databases) {
        await withSession({ ...admin, database }, "hive-db-upgrade", (client) => readDatabase(client, database, into));
    }
    return into;
}

/** Every difference between two fingerprints, as lines; empty when the new server holds what the old one did. */
export function fingerprintDifferences(old: ServerFingerprint, now: ServerFingerprint): string[] {
    const lists = (what: string, a: string[], b: string[]) => [
        ...a.filter((entry) => !b.includes(entry)).map((entry) => `${what} ${entry}: missing on the new server`),
        ...b.filter((entry) => !a.includes(entry)).map((entry) => `${what} ${entry}: only on the new server`),
    ];
    const maps = (what: string, a: Record<string, string>, b: Record<string, string>) =>
        [...new Set([...Object.keys(a), ...Object.keys(b)])]
            .filter((key) => a[key] !== b[key])
            .map((key) => `${what} ${key}: ${a[key] ?? "absent"} before, ${b[key] ?? "absent"} after`);
    return [
        ...lists("role", old.roles, now.roles),
        ...lists("database", old.databases, now.databases),
        ...lists("extension", old.extensions, now.extensions),
        ...maps("table", old.tables, now.tables),
        ...maps("sequence", old.sequences, now.sequences),
        ...maps("owner of", old.owners, now.owners),
    ];
}
