/**
 * Column options one server sets and another does not know. The PostgreSQL 17 build of Debian's
 * archive here (17.12) stamps every column with an option `pg_attver=<n>`; pg_dump writes it out
 * (`ALTER TABLE ONLY t ALTER COLUMN c SET (pg_attver=…);`) and PostgreSQL 18.6 rejects that
 * statement ("unrecognized parameter"), which would stop any 17 → 18 restore. So the options in use
 * are listed on the source, each is tried on the target (in a rolled-back transaction), and only
 * the ones the target rejects are cut out of the script on its way to psql, by sed. They describe no
 * data: the rows, and every check on them, are unaffected.
 */
import type { ClientConfig } from "pg";

import { withSession } from "../../../shared/pg-session";

const NAME = /^[a-z_][a-z0-9_]*$/;

/** Names of the column options in use in a database (in `schemas`, or all). */
export async function attributeOptionNames(
    client: { query: (sql: string, values?: unknown[]) => Promise<{ rows: unknown[] }> },
    schemas?: readonly string[],
): Promise<string[]> {
    const { rows } = await client.query(
        `SELECT DISTINCT split_part(option, '=', 1) AS name
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace, unnest(a.attoptions) AS option
         WHERE a.attoptions IS NOT NULL AND ($1::text[] IS NULL OR n.nspname = ANY($1)) ORDER BY 1`,
        [schemas ?? null],
    );
    return (rows as Array<{ name: string }>).map((row) => row.name).filter((name) => NAME.test(name));
}

/** The options the target server does not recognise (tried on a temporary table, rolled back). */
export async function unsupportedOptions(admin: ClientConfig, names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [];
    return withSession(admin, "hive-db-restore", async (client) => {
        const rejected: string[] = [];
        for (const name of names.filter((candidate) => NAME.test(candidate))) {
            await client.query("BEGIN");
            await client.query("CREATE TEMPORARY TABLE hive_db_option_probe (a integer)");
            // Unknown options fail with 22023 "unrecognized parameter"; a known one with a bad value fails otherwise.
            const error = await client.query(`ALTER TABLE hive_db_option_probe ALTER COLUMN a SET (${name} = 1)`).then(
                () => undefined,
                (failure: { code?: string; message?: string }) => failure,
            );
            if (error?.code === "22023" && /unrecognized parameter/.test(error.message ?? "")) rejected.push(name);
            await client.query("ROLLBACK");
        }
        return rejected;
    });
}

/** A `sed -E` program that removes these options from pg_dump's `ALTER COLUMN … SET (…);` lines (empty: changes nothing). */
export function stripOptionsSed(names: readonly string[]): string {
    const safe = names.filter((name) => NAME.test(name));
    if (safe.length === 0) return "";
    const removals = safe.map((name) => `s/(\\(|, )${name}=[^,)]*/\\1/g`);
    return [
        "/^ALTER TABLE ONLY .+ ALTER COLUMN .+ SET \\(.*\\);$/{",
        ...removals,
        "s/\\(, /(/",
        "s/, \\)/)/",
        "/ SET \\(\\);$/d",
        "}",
        "",
    ].join("\n");
}
