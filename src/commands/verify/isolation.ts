/**
 * Cross-mode isolation: for every ordered pair (other, owner), the other mode is refused reading,
 * writing and creating in the owner's schemas; a declared reader may SELECT and nothing more.
 *
 * The owner creates a probe table in each of its schemas (committed, so other sessions see it; it
 * gets the owner's default privileges exactly like an app table would). The other mode's attempts
 * run under savepoints in a transaction that is rolled back, so an unexpected success leaves
 * nothing behind. Probes are dropped in `finally`.
 */
import { type Client, escapeIdentifier } from "pg";

import { type CheckResult, resultFor } from "./results";
import {
    INSUFFICIENT_PRIVILEGE,
    type Attempt,
    attempt,
    connect,
    describeError,
    inRolledBackTransaction,
    mapConcurrently,
    probeName,
    refusalProblem,
    sqlState,
} from "./sql";
import type { ModeTarget } from "./targets";

export type Sessions = ReadonlyMap<string, Client>;

export interface OwnerProbes {
    /** schema → probe table name; complete only when `problem` is undefined. */
    tables: Map<string, string>;
    problem?: string;
}

export /** Modes probing at once, each in its own session (and a second one for another database). */
const PAIR_CONCURRENCY = 8;

export const qualified = (schema: string, table: string) => `${escapeIdentifier(schema)}.${escapeIdentifier(table)}`;

/** A committed table in each of the owner's schemas, so other sessions see it (with the owner's default privileges). */
export async function createProbes(owner: ModeTarget, client: Client): Promise<OwnerProbes> {
    const probes: OwnerProbes = { tables: new Map() };
    const table = probeName();
    for (const schema of owner.schemas) {
        try {
            await client.query(`CREATE TABLE ${qualified(schema, table)} (id integer)`);
            probes.tables.set(schema, table);
        } catch (error) {
            probes.problem = `owner ${owner.role} could not create a probe table in ${schema}: ${describeError(error)}`;
            break;
        }
    }
    return probes;
}

export async function dropProbes(client: Client, probes: OwnerProbes): Promise<void> {
    for (const [schema, table] of probes.tables) {
        await client.query(`DROP TABLE IF EXISTS ${qualified(schema, table)}`).catch(() => undefined);
    }
}

/** What one statement by the other mode should do, and whether it did. */
function judge(outcome: Attempt, shouldBeAllowed: boolean, what: string): string | undefined {
    if (shouldBeAllowed) {
        return outcome.allowed ? undefined : `${what} refused to a reader: ${outcome.message}`;
    }
    return refusalProblem(outcome, what);
}

/** Tables already in `schema` the current role could read or write (grants made outside default privileges). */
async function existingTableProblems(client: Client, schema: string, probe: string, reader: boolean): Promise<string[]> {
    const { rows } = await client.query<{ readable: number; writable: number }>(
        `SELECT count(*) FILTER (WHERE has_table_privilege(c.oid, 'SELECT'))::int AS readable,
                count(*) FILTER (WHERE has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE'))::int AS writable
         FROM pg_class c
         WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1)
           AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relname <> $2
           AND has_schema_privilege($1, 'USAGE')`,
        [schema, probe],
    );
    const problems: string[] = [];
    if (!reader && rows[0].readable > 0) problems.push(`may SELECT ${rows[0].readable} existing table(s) in ${schema}`);
    if (rows[0].writable > 0) problems.push(`may write ${rows[0].writable} existing table(s) in ${schema}`);
    return problems;
}

async function probeSchemas(client: Client, probes: OwnerProbes, reader: boolean): Promise<string[]> {
    return inRolledBackTransaction(client, async () => {
        const problems: string[] = [];
        for (const [schema, table] of probes.tables) {
            const verdicts = [
                judge(await attempt(client, `SELECT * FROM ${qualified(schema, table)}`), reader, `SELECT in ${schema}`),
                judge(await attempt(client, `INSERT INTO ${qualified(schema, table)} VALUES (1)`), false, `INSERT in ${schema}`),
                judge(await attempt(client, `CREATE TABLE ${qualified(schema, probeName())} (id integer)`), false, `CREATE in ${schema}`),
            ];
            problems.push(...verdicts.filter((text): text is string => text !== undefined));
            problems.push(...(await existingTableProblems(client, schema, table, reader)));
        }
        return problems;
    });
}

async function checkPair(other: ModeTarget, owner: ModeTarget, sessions: Sessions, probes: OwnerProbes): Promise<CheckResult> {
    const subject = `${other.mode} → ${owner.mode}`;
    const result = resultFor("isolation", subject);
    const reader = owner.readers.includes(other.mode);
    const ownSession = sessions.get(other.mode);
    if (!ownSession || !other.connection) return result("skip", `cannot connect as ${other.role}`);
    if (probes.problem) return result("fail", probes.problem);

    const schemas = owner.schemas.join(", ");
    let client = ownSession;
    const problems: string[] = [];
    if (other.database !== owner.database) {
        // Another database: only a reader may CONNECT at all.
        try {
            client = await connect({ ...other.connection, database: owner.database });
            if (!reader) problems.push(`could CONNECT to database ${owner.database}`);
        } catch (error) {
            if (reader) return result("fail", `reader cannot CONNECT to ${owner.database}: ${describeError(error)}`);
            return sqlState(error) === INSUFFICIENT_PRIVILEGE
                ? result("pass", `CONNECT to ${owner.database} refused`)
                : result("fail", `connecting to ${owner.database} failed for another reason: ${describeError(error)}`);
        }
    }
    try {
        problems.push(...(await probeSchemas(client, probes, reader)));
    } finally {
        if (client !== ownSession) await client.end().catch(() => undefined);
    }
    if (problems.length > 0) return result("fail", problems.join("; "));
    return result(
        "pass",
        reader ? `reader: SELECT allowed, INSERT and CREATE refused in ${schemas}` : `SELECT, INSERT and CREATE refused in ${schemas}`,
    );
}

const pairRow = (other: ModeTarget, owner: ModeTarget, status: CheckResult["status"], detail: string): CheckResult => ({
    id: "isolation",
    subject: `${other.mode} → ${owner.mode}`,
    status,
    detail,
});

/** Each mode's probes against every owner, that mode's session used for one owner after another. */
async function rowsOf(other: ModeTarget, targets: readonly ModeTarget[], sessions: Sessions, probes: ReadonlyMap<string, OwnerProbes>) {
    const rows: CheckResult[] = [];
    for (const owner of targets.filter((target) => target.mode !== other.mode)) {
        const ownerProbes = probes.get(owner.mode);
        rows.push(
            ownerProbes === undefined
                ? pairRow(other, owner, "skip", `cannot connect as owner ${owner.role}`)
                : await checkPair(other, owner, sessions, ownerProbes).catch((error) =>
                      pairRow(other, owner, "fail", describeError(error)),
                  ),
        );
    }
    return rows;
}

/**
 * One row per ordered pair of modes, owner by owner. Every owner's probes are created first; then
 * the modes probe side by side, each in its own session; the probes are dropped at the end.
 */
export async function checkIsolation(targets: readonly ModeTarget[], sessions: Sessions): Promise<CheckResult[]> {
    const probes = new Map<string, OwnerProbes>();
    await Promise.all(
        targets.map(async (owner) => {
            const session = sessions.get(owner.mode);
            if (session) probes.set(owner.mode, await createProbes(owner, session));
        }),
    );
    try {
        const byOther = await mapConcurrently(targets, PAIR_CONCURRENCY, (other) => rowsOf(other, targets, sessions, probes));
        const rows = byOther.flat();
        return targets.flatMap((owner) => rows.filter((row) => row.subject.endsWith(` → ${owner.mode}`)));
    } finally {
        await Promise.all(
            [...probes].map(([mode, ownerProbes]) => {
                const session = sessions.get(mode);
                return session ? dropProbes(session, ownerProbes) : undefined;
            }),
        );
    }
}
