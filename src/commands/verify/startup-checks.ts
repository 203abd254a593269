/**
 * What the apps do at every start, and what that allows. Agno (`schema="agno"`) and the Hive
 * Alembic env.py run `CREATE SCHEMA IF NOT EXISTS` for schemas the role already owns; PostgreSQL
 * checks CREATE on the database before it looks for the schema, so every mode role holds CREATE on
 * its database. That privilege also lets the role create schemas and trusted extensions of its own
 * (docs/security.md, "Schema creation at startup"): these checks prove the first works, that a new
 * schema stays private, and that nothing the role created that way is left in the database.
 */
import { type Client, escapeIdentifier as id } from "pg";

import { checkExtensionCreation } from "./extension-checks";
import { type CheckResult, resultFor } from "./results";
import { attempt, inRolledBackTransaction, probeName, refusalProblem } from "./sql";
import type { ModeTarget } from "./targets";

/** The pseudo-role `has_schema_privilege` understands as PUBLIC. */
const PUBLIC_PSEUDO_ROLE = "public";

/** Roles (of `roles`) that may use or create in `schema`. */
async function rolesWithAccess(client: Client, schema: string, roles: readonly string[]): Promise<string[]> {
    const { rows } = await client.query<{ role: string }>(
        `SELECT role FROM unnest($1::text[]) AS r(role)
         WHERE has_schema_privilege(role, $2::text, 'USAGE') OR has_schema_privilege(role, $2::text, 'CREATE')`,
        [roles, schema],
    );
    return rows.map((row) => row.role);
}

/** A schema the role creates on its own is usable by no other mode and not by PUBLIC. */
async function newSchemaProblems(client: Client, target: ModeTarget, others: readonly ModeTarget[]): Promise<string[]> {
    const probe = probeName();
    const created = await attempt(client, `CREATE SCHEMA ${id(probe)}`, { keep: true });
    // Without CREATE on the database the startup statements already failed: report that once.
    if (!created.allowed) return [];
    const problems: string[] = [];
    const open = await rolesWithAccess(client, probe, [PUBLIC_PSEUDO_ROLE, ...others.map((other) => other.role)]);
    if (open.length > 0) problems.push(`a new schema of ${target.role} is usable by ${open.join(", ")}`);
    // ... and it cannot hand a schema to another mode's role (PostgreSQL's "giveaway" guard).
    const other = others[0];
    if (other !== undefined) {
        const giveaway = await attempt(client, `CREATE SCHEMA ${id(probeName())} AUTHORIZATION ${id(other.role)}`);
        const problem = refusalProblem(giveaway, `CREATE SCHEMA ... AUTHORIZATION ${other.role}`);
        if (problem) problems.push(problem);
    }
    return problems;
}

/** `CREATE SCHEMA IF NOT EXISTS` succeeds for each of the mode's own schemas, in a rolled-back transaction. */
export async function checkStartupSchemas(client: Client, target: ModeTarget, all: readonly ModeTarget[]): Promise<CheckResult> {
    const result = resultFor("startup-schemas", target.mode);
    const others = all.filter((other) => other.mode !== target.mode);
    const { problems, extensions } = await inRolledBackTransaction(client, async () => {
        const found: string[] = [];
        for (const schema of target.schemas) {
            const outcome = await attempt(client, `CREATE SCHEMA IF NOT EXISTS ${id(schema)}`);
            if (!outcome.allowed) found.push(`CREATE SCHEMA IF NOT EXISTS ${schema} failed: ${outcome.message}`);
        }
        found.push(...(await newSchemaProblems(client, target, others)));
        const extensions = await checkExtensionCreation(client, target, all);
        return { problems: [...found, ...extensions.problems], extensions };
    });
    return problems.length === 0
        ? result(
              "pass",
              `CREATE SCHEMA IF NOT EXISTS ${target.schemas.join(", ")} succeeds; a new schema stays private; ${extensions.note}`,
          )
        : result("fail", problems.join("; "));
}

/**
 * The role owns no schema beyond its configured ones and no extension, in its database. Either one
 * was created through CREATE on the database: a stray schema escapes the stack's grants (and can
 * squat the name of a future mode's schema); an extension, trusted ones can go into any schema,
 * even another mode's, and its owner can drop it with everything that uses it.
 */
export async function checkUnmanagedObjects(client: Client, target: ModeTarget): Promise<CheckResult> {
    const result = resultFor("unmanaged-objects", target.mode);
    const { rows } = await client.query<{ what: string }>(
        `SELECT 'schema ' || quote_ident(nspname) AS what FROM pg_namespace
         WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND NOT nspname = ANY($1::text[])
         UNION ALL
         SELECT 'extension ' || quote_ident(extname) || ' in schema ' || extnamespace::regnamespace::text FROM pg_extension
         WHERE extowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
         ORDER BY 1`,
        [target.schemas],
    );
    if (rows.length === 0) return result("pass", `owns only ${target.schemas.join(", ")} in ${target.database}`);
    return result(
        "fail",
        `${target.role} owns ${rows.map((row) => row.what).join(", ")} in ${target.database}, beyond its config: ` +
            `add a schema to hive-db:modes.${target.mode}.schemas or an extension to hive-db:extensions, and drop the role's own copy`,
    );
}
