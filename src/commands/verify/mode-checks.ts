/**
 * Checks run inside one mode's own session: where it lands, what it may use, what it may not do.
 * Every probe happens in a rolled-back transaction, except CREATE DATABASE, which cannot run in
 * one and is dropped at once if it unexpectedly succeeds.
 */
import { type Client, escapeIdentifier } from "pg";

import { type CheckResult, resultFor } from "./results";
import { type Attempt, attempt, refusalProblem, connect, describeError, inRolledBackTransaction, parseSearchPath, probeName } from "./sql";
import type { ModeTarget } from "./targets";

function sameList(actual: readonly string[], expected: readonly string[]): boolean {
    return actual.length === expected.length && actual.every((name, index) => name === expected[index]);
}

async function showSearchPath(client: Client): Promise<string[]> {
    return parseSearchPath((await client.query<{ search_path: string }>("SHOW search_path")).rows[0].search_path);
}

/** The session opened from the URL (whose `options` set search_path) sees the expected path. */
export async function checkSearchPath(client: Client, target: ModeTarget): Promise<CheckResult> {
    const result = resultFor("search-path", target.mode);
    const actual = await showSearchPath(client);
    return sameList(actual, target.searchPath)
        ? result("pass", actual.join(", "))
        : result("fail", `search_path is '${actual.join(", ")}', expected '${target.searchPath.join(", ")}'`);
}

/** A client that drops the URL's `options` (some drivers do) must land in the same place. */
export async function checkDefaultSearchPath(target: ModeTarget): Promise<CheckResult> {
    const result = resultFor("default-search-path", target.mode);
    const client = await connect({ ...target.connection, options: undefined });
    try {
        const actual = await showSearchPath(client);
        return sameList(actual, target.searchPath)
            ? result("pass", actual.join(", "))
            : result(
                  "fail",
                  `without options search_path is '${actual.join(", ")}', expected '${target.searchPath.join(", ")}' (ALTER ROLE ${target.role} SET search_path)`,
              );
    } finally {
        await client.end();
    }
}

/** A table created without a schema prefix lands in the mode's first schema. */
export async function checkOwnSchema(client: Client, target: ModeTarget): Promise<CheckResult> {
    const result = resultFor("own-schema", target.mode);
    const expected = target.schemas[0];
    const table = probeName();
    return inRolledBackTransaction(client, async () => {
        await client.query(`CREATE TABLE ${escapeIdentifier(table)} (id integer)`);
        const { rows } = await client.query<{ schema: string }>(
            "SELECT relnamespace::regnamespace::text AS schema FROM pg_class WHERE relname = $1",
            [table],
        );
        const actual = rows[0]?.schema;
        return actual === expected ? result("pass", `landed in ${actual}`) : result("fail", `landed in ${actual}, expected ${expected}`);
    }).catch((error) => result("fail", `CREATE TABLE without a schema failed: ${describeError(error)}`));
}

/** `vector` resolves through the mode's search_path and works in a table and in an operator. */
export async function checkVector(client: Client, target: ModeTarget): Promise<CheckResult> {
    const result = resultFor("vector", target.mode);
    const table = escapeIdentifier(probeName());
    return inRolledBackTransaction(client, async () => {
        await client.query(`CREATE TEMP TABLE ${table} (embedding vector(3)) ON COMMIT DROP`);
        await client.query(`INSERT INTO ${table} VALUES ('[1,2,3]'), ('[1,2,5]')`);
        const { rows } = await client.query<{ distance: number; schema: string; version: string }>(
            `SELECT max(embedding <-> '[1,2,3]'::vector) AS distance,
                    (SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'vector') AS schema,
                    (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS version
             FROM ${table}`,
        );
        const { distance, schema, version } = rows[0];
        return distance === 2
            ? result("pass", `vector ${version} from schema ${schema}`)
            : result("fail", `'[1,2,5]' <-> '[1,2,3]' gave ${distance}, expected 2`);
    }).catch((error) => result("fail", describeError(error)));
}

/** Not a superuser, cannot create roles or databases (flags and real attempts), has a connection limit. */
export async function checkRoleAttributes(client: Client, target: ModeTarget): Promise<CheckResult> {
    const result = resultFor("role-attributes", target.mode);
    const { rows } = await client.query<Record<string, boolean | number>>(
        `SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolconnlimit
         FROM pg_roles WHERE rolname = current_user`,
    );
    const flags = rows[0];
    const problems = ["rolsuper", "rolcreatedb", "rolcreaterole", "rolreplication", "rolbypassrls"]
        .filter((flag) => flags[flag] === true)
        .map((flag) => `${flag.slice(3).toUpperCase()} is set`);
    if (flags.rolconnlimit === -1) problems.push("no CONNECTION LIMIT");

    const probe = probeName();
    const createRole = await inRolledBackTransaction(client, () => attempt(client, `CREATE ROLE ${escapeIdentifier(probe)}`));
    const roleProblem = refusalProblem(createRole, "CREATE ROLE");
    if (roleProblem) problems.push(roleProblem);

    let createDatabase: Attempt;
    try {
        await client.query(`CREATE DATABASE ${escapeIdentifier(probe)}`);
        createDatabase = { allowed: true };
        await client.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(probe)}`);
    } catch (error) {
        createDatabase = { allowed: false, state: (error as { code?: string }).code, message: describeError(error) };
    }
    const databaseProblem = refusalProblem(createDatabase, "CREATE DATABASE");
    if (databaseProblem) problems.push(databaseProblem);

    return problems.length === 0
        ? result("pass", `connection limit ${flags.rolconnlimit}; CREATE ROLE and CREATE DATABASE refused`)
        : result("fail", problems.join("; "));
}

/**
 * PUBLIC holds nothing on the database. A NULL datacl means the built-in defaults, which give
 * PUBLIC CONNECT and TEMPORARY: that fails too.
 */
export async function checkPublicPrivileges(client: Client, database: string): Promise<CheckResult> {
    const result = resultFor("public-privileges", database);
    const { rows } = await client.query<{ default_acl: boolean; privileges: string[] }>(
        `SELECT datacl IS NULL AS default_acl,
                ARRAY(SELECT privilege_type FROM aclexplode(datacl) WHERE grantee = 0 ORDER BY 1) AS privileges
         FROM pg_database WHERE datname = $1`,
        [database],
    );
    if (rows.length === 0) return result("fail", `database ${database} does not exist`);
    const { default_acl, privileges } = rows[0];
    if (default_acl) return result("fail", "default privileges (datacl is NULL): PUBLIC may CONNECT and use TEMP");
    return privileges.length === 0 ? result("pass", "no PUBLIC grants") : result("fail", `PUBLIC holds ${privileges.join(", ")}`);
}
