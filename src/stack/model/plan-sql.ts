/**
 * The stack's own database layer as SQL: what the postgresql provider runs for the resources
 * src/stack/components/hive-database.ts declares, rendered from the same database plan
 * (database-plan.ts) that component declares its resources from. The real-server tests check the privilege model with it where no
 * Pulumi engine runs (CI), and the benchmark's hand flow runs it with psql. The statements follow
 * the provider's behaviour: a Grant revokes everything on its tuple and grants its list; a schema
 * is created IF NOT EXISTS and given its owner; extensions are created IF NOT EXISTS.
 */
import { escapeIdentifier as id, escapeLiteral as literal } from "pg";

import { type DatabasePlan, planDatabaseLayer, type SchemaSpec } from "./database-plan";
import { extensionGuardSql } from "./extension-guard-sql";
import type { Layout, ModeLayout } from "./layout";
import { type DefaultPrivilegeSpec, type GrantSpec, PUBLIC_ROLE } from "./privileges";

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

/** The provider's way: CREATE SCHEMA IF NOT EXISTS, and an owned schema (public, or an adopted one) changes owner. */
function schemaSql(schema: SchemaSpec): string[] {
    const create = `CREATE SCHEMA IF NOT EXISTS ${id(schema.schema)};`;
    return schema.owner === undefined ? [create] : [create, `ALTER SCHEMA ${id(schema.schema)} OWNER TO ${id(schema.owner)};`];
}

/** Everything inside one database, in the order the resources' dependencies give. */
function databaseSql(plan: DatabasePlan, database: string): string {
    const inDatabase = <T extends { database: string }>(entries: readonly T[]) => entries.filter((entry) => entry.database === database);
    const [extensionsSchema, ...modeSchemas] = inDatabase(plan.schemas);
    return [
        ...schemaSql(extensionsSchema),
        ...inDatabase(plan.extensions).map(
            ({ extension, schema }) => `CREATE EXTENSION IF NOT EXISTS ${id(extension)} SCHEMA ${id(schema)};`,
        ),
        ...modeSchemas.flatMap(schemaSql),
        ...inDatabase(plan.guards).flatMap((guard) => extensionGuardSql(guard.schema, guard.admin).map((statement) => `${statement};`)),
        // Database-level grants are the same statement in any database; run them with the rest.
        ...inDatabase(plan.grants).flatMap(grantSql),
        ...inDatabase(plan.defaultPrivileges).flatMap(defaultPrivilegeSql),
    ].join("\n");
}

/**
 * The database layer's statements for a layout, in dependency order, run as the admin (a
 * superuser: the extension guard is installed). Databases in `existing` are taken over as `up`
 * imports them: not created.
 */
export function stackSteps(layout: Layout, passwords: Readonly<Record<string, string>>, existing: readonly string[] = []): Step[] {
    const plan = planDatabaseLayer(layout, { guard: true });
    // CREATE DATABASE cannot run inside the implicit transaction of a multi-statement query.
    const steps: Step[] = plan.databases
        .filter((database) => !existing.includes(database))
        .map((database) => ({ database: ADMIN_DATABASE, sql: `CREATE DATABASE ${id(database)}` }));
    steps.push({ database: ADMIN_DATABASE, sql: plan.roles.flatMap((mode) => roleSql(mode, passwords[mode.name])).join("\n") });
    steps.push(...plan.databases.map((database) => ({ database, sql: databaseSql(plan, database) })));
    return steps;
}
