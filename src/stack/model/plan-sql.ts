/**
 * The stack's own database layer as SQL: what the postgresql provider runs for the resources
 * src/stack/components/hive-database.ts declares, derived from the same layout and privilege plan
 * (layout.ts, privileges.ts). The real-server tests check the privilege model with it where no
 * Pulumi engine runs (CI), and the benchmark's hand flow runs it with psql. The statements follow
 * the provider's behaviour: a Grant revokes everything on its tuple and grants its list; a schema
 * is created IF NOT EXISTS and given its owner; extensions are created IF NOT EXISTS.
 */
import { escapeIdentifier as id, escapeLiteral as literal } from "pg";

import { extensionGuardSql } from "./extension-guard-sql";
import type { Layout, ModeLayout } from "./layout";
import { type DefaultPrivilegeSpec, type GrantSpec, planPrivileges, PUBLIC_ROLE } from "./privileges";

/** SQL to run as the admin, connected to `database`. */
export interface Step {
    database: string;
    sql: string;
}

export const ADMIN_DATABASE = "postgres";

const grantee = (role: string) => (role === PUBLIC_ROLE ? "PUBLIC" : id(role));

function grantTarget(grant: GrantSpec): string {
    if (grant.objectType === "database") return `DATABASE ${id(grant.database)}`;
    const schema = id(grant.schema ?? "public");
    return grant.objectType === "schema" ? `SCHEMA ${schema}` : `ALL TABLES IN SCHEMA ${schema}`;
}

function grantSql(grant: GrantSpec): string[] {
    const target = grantTarget(grant);
    const statements = [`REVOKE ALL PRIVILEGES ON ${target} FROM ${grantee(grant.role)};`];
    if (grant.privileges.length > 0) {
        statements.push(`GRANT ${grant.privileges.join(", ")} ON ${target} TO ${grantee(grant.role)};`);
    }
    return statements;
}

function defaultPrivilegeSql(spec: DefaultPrivilegeSpec): string[] {
    const scope = `ALTER DEFAULT PRIVILEGES FOR ROLE ${id(spec.owner)} IN SCHEMA ${id(spec.schema)}`;
    return [
        `${scope} REVOKE ALL ON TABLES FROM ${grantee(spec.role)};`,
        `${scope} GRANT ${spec.privileges.join(", ")} ON TABLES TO ${grantee(spec.role)};`,
    ];
}

function roleSql(mode: ModeLayout, password: string): string[] {
    return [
        `CREATE ROLE ${id(mode.role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS ` +
            `CONNECTION LIMIT ${mode.connectionLimit} PASSWORD ${literal(password)};`,
        `ALTER ROLE ${id(mode.role)} SET search_path TO ${mode.searchPath.map(id).join(", ")};`,
    ];
}

/** Everything inside one database: extensions, the modes' schemas, grants and default privileges. */
function databaseSql(layout: Layout, database: string): string {
    const { grants, defaultPrivileges } = planPrivileges(layout);
    const statements = [
        `CREATE SCHEMA IF NOT EXISTS ${id(layout.extensionsSchema)};`,
        ...layout.extensions.map((extension) => `CREATE EXTENSION IF NOT EXISTS ${id(extension)} SCHEMA ${id(layout.extensionsSchema)};`),
    ];
    for (const mode of layout.modes.filter((m) => m.database === database)) {
        for (const schema of mode.schemas) {
            // The provider's way: an existing schema (public, or one an adopted database has) changes owner.
            statements.push(`CREATE SCHEMA IF NOT EXISTS ${id(schema)};`, `ALTER SCHEMA ${id(schema)} OWNER TO ${id(mode.role)};`);
        }
    }
    statements.push(...extensionGuardSql(layout.extensionsSchema).map((statement) => `${statement};`));
    // Database-level grants are the same statement in any database; run them with the rest.
    statements.push(...grants.filter((g) => g.database === database).flatMap(grantSql));
    statements.push(...defaultPrivileges.filter((d) => d.database === database).flatMap(defaultPrivilegeSql));
    return statements.join("\n");
}

/**
 * The database layer's statements for a layout, in dependency order, run as the admin. Databases in
 * `existing` are taken over as `up` imports them: not created.
 */
export function stackSteps(layout: Layout, passwords: Readonly<Record<string, string>>, existing: readonly string[] = []): Step[] {
    // CREATE DATABASE cannot run inside the implicit transaction of a multi-statement query.
    const steps: Step[] = layout.databases
        .filter((database) => !existing.includes(database))
        .map((database) => ({ database: ADMIN_DATABASE, sql: `CREATE DATABASE ${id(database)}` }));
    steps.push({ database: ADMIN_DATABASE, sql: layout.modes.flatMap((mode) => roleSql(mode, passwords[mode.name])).join("\n") });
    steps.push(...layout.databases.map((database) => ({ database, sql: databaseSql(layout, database) })));
    return steps;
}
