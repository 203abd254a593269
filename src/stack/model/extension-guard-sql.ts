/**
 * The extension guard: an event trigger that refuses CREATE EXTENSION to anyone but a superuser and
 * the stack's admin (on RDS and Cloud SQL the admin is no superuser, yet creates `hive-db:extensions`).
 * Mode roles hold CREATE on their database (the apps' `CREATE SCHEMA IF NOT EXISTS`), and with it
 * PostgreSQL lets them create *trusted* extensions (citext, pg_trgm, hstore, ...) in any schema,
 * another mode's included, since the extension script runs as the bootstrap superuser. Extensions
 * belong in `hive-db:extensions`, created by the stack into the shared extensions schema.
 *
 * It fires at ddl_command_end, on what was actually created: `CREATE EXTENSION IF NOT EXISTS vector`
 * (Agno's start-up statement) finds vector already there, creates nothing and passes.
 */
import { escapeIdentifier as id, escapeLiteral as literal } from "pg";

export const GUARD_NAME = "hive_db_extension_guard";

/**
 * Statements (run in the database, in order, by an admin who may create event triggers) that install
 * or refresh the guard; `admin` and the roles that are members of it may still create extensions.
 */
export function extensionGuardSql(extensionsSchema: string, admin: string): string[] {
    const fn = `${id(extensionsSchema)}.${id(GUARD_NAME)}()`;
    return [
        // The function runs with the caller's rights: its search_path is pinned and every catalog name
        // qualified, or a mode role could shadow pg_roles with a temporary view and pass as superuser.
        `CREATE OR REPLACE FUNCTION ${fn} RETURNS event_trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $guard$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE EXTENSION')
       AND NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${literal(admin)} AND pg_catalog.pg_has_role(current_user, oid, 'MEMBER')) THEN
        RAISE EXCEPTION 'hive-db: % may not create extensions; list them in hive-db:extensions', current_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$guard$`,
        `DROP EVENT TRIGGER IF EXISTS ${id(GUARD_NAME)}`,
        `CREATE EVENT TRIGGER ${id(GUARD_NAME)} ON ddl_command_end WHEN TAG IN ('CREATE EXTENSION') EXECUTE FUNCTION ${fn}`,
    ];
}
