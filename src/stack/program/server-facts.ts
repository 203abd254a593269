/**
 * Reads, as the admin, what src/stack/model/server-facts.ts judges: whether the admin is a superuser
 * or may create event triggers, which extensions the server offers and allows, and which of the
 * stack's existing roles it may not alter. Read-only: the one trial statement fails either way and
 * runs in a transaction that is rolled back.
 */
import type { Client } from "pg";

import { sqlState } from "../../shared/pg-session";
import type { ServerFacts } from "../model/server-facts";
import { PROFILE_TRAITS } from "../model/server-profiles";

/** Every allow-list setting a profile knows of (`azure.extensions`, `rds.allowed_extensions`). */
const ALLOW_LIST_SETTINGS = [...new Set(Object.values(PROFILE_TRAITS).flatMap((traits) => (traits.allowList ? [traits.allowList] : [])))];

/** SQLSTATE of the refusal, and of the missing function a permitted statement runs into next. */
const INSUFFICIENT_PRIVILEGE = "42501";
const UNDEFINED_FUNCTION = "42883";

/**
 * PostgreSQL checks the right to create an event trigger before it looks up the function: with a
 * function that does not exist, an admin who may create one gets "function does not exist", one who
 * may not gets "permission denied". Nothing is created either way.
 */
async function mayCreateEventTriggers(client: Client): Promise<boolean> {
    await client.query("BEGIN");
    try {
        await client.query("CREATE EVENT TRIGGER hive_db_probe ON ddl_command_end EXECUTE FUNCTION pg_catalog.hive_db_no_such_function()");
        return true;
    } catch (error) {
        const code = sqlState(error);
        if (code === UNDEFINED_FUNCTION) return true;
        if (code === INSUFFICIENT_PRIVILEGE) return false;
        throw error;
    } finally {
        await client.query("ROLLBACK");
    }
}

async function allowListSettings(client: Client): Promise<Record<string, string>> {
    const { rows } = await client.query<{ name: string; value: string | null }>(
        "SELECT name, current_setting(name, true) AS value FROM unnest($1::text[]) AS s(name)",
        [ALLOW_LIST_SETTINGS],
    );
    return Object.fromEntries(rows.flatMap((row) => (row.value === null ? [] : [[row.name, row.value]])));
}

/** The stack's roles the admin cannot alter: a superuser's, or (PostgreSQL 16+) one without ADMIN OPTION. */
async function foreignRoles(client: Client, roles: readonly string[]): Promise<string[]> {
    const { rows } = await client.query<{ name: string }>(
        `SELECT r.rolname AS name FROM pg_catalog.pg_roles r, pg_catalog.pg_roles admin
         WHERE r.rolname = ANY($1) AND admin.rolname = current_user AND NOT admin.rolsuper
           AND (r.rolsuper OR (current_setting('server_version_num')::int >= 160000
                               AND NOT pg_catalog.pg_has_role(current_user, r.oid, 'USAGE WITH ADMIN OPTION')))
         ORDER BY 1`,
        [roles],
    );
    return rows.map((row) => row.name);
}

export async function readServerFacts(client: Client, roles: readonly string[]): Promise<ServerFacts> {
    const superuser = await client.query<{ superuser: boolean }>(
        "SELECT rolsuper AS superuser FROM pg_catalog.pg_roles WHERE rolname = current_user",
    );
    const available = await client.query<{ name: string; trusted: boolean }>(
        "SELECT name, bool_or(trusted) AS trusted FROM pg_catalog.pg_available_extension_versions GROUP BY name",
    );
    const isSuperuser = superuser.rows[0]?.superuser === true;
    return {
        superuser: isSuperuser,
        // A superuser may create event triggers: no trial (three round trips on every preview) to learn it.
        eventTriggers: isSuperuser || (await mayCreateEventTriggers(client)),
        available: new Map(available.rows.map((row) => [row.name, { trusted: row.trusted }])),
        settings: await allowListSettings(client),
        foreignRoles: await foreignRoles(client, roles),
    };
}
