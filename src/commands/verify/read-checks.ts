/**
 * Read URLs (seed 004's shared knowledge): for each database a mode may read in, the URL in
 * `readLibpqUrls` logs in as the reader, lands on the owners' schemas, may SELECT the owners' tables
 * and may neither write nor create there.
 */
import { type Client, escapeIdentifier } from "pg";

import { createProbes, dropProbes, type OwnerProbes, qualified, type Sessions } from "./isolation";
import { type CheckResult, resultFor } from "./results";
import { attempt, connect, describeError, inRolledBackTransaction, parseSearchPath, probeName, refusalProblem } from "./sql";
import type { ModeTarget, ReadTarget } from "./targets";
import { LIBPQ_SCHEME, SQLALCHEMY_SCHEME } from "../../stack/model/urls";

/** What is wrong with the URLs themselves, before connecting. */
function urlProblems(reader: ModeTarget, read: ReadTarget): string[] {
    const field = `${reader.mode}.${read.database}`;
    if (!read.connection) return [read.urlError ?? `readLibpqUrls.${field} is missing`];
    const problems: string[] = [];
    if (read.sqlalchemyUrl !== read.libpqUrl.replace(`${LIBPQ_SCHEME}://`, `${SQLALCHEMY_SCHEME}://`)) {
        problems.push(`readUrls.${field} is not ${SQLALCHEMY_SCHEME}:// + readLibpqUrls.${field}`);
    }
    if (read.connection.user !== reader.role) problems.push(`user ${read.connection.user} (roles.${reader.mode} is ${reader.role})`);
    if (read.connection.database !== read.database) problems.push(`database ${read.connection.database}, expected ${read.database}`);
    return problems;
}

/** SELECT allowed (also unqualified, through the URL's search_path); INSERT, CREATE TABLE and CREATE SCHEMA refused. */
async function accessProblems(client: Client, probes: readonly OwnerProbes[]): Promise<string[]> {
    return inRolledBackTransaction(client, async () => {
        const problems: string[] = [];
        for (const [schema, table] of probes.flatMap((owner) => [...owner.tables])) {
            const select = await attempt(client, `SELECT * FROM ${qualified(schema, table)}`);
            if (!select.allowed) problems.push(`SELECT in ${schema} refused: ${select.message}`);
            problems.push(
                ...[
                    refusalProblem(await attempt(client, `INSERT INTO ${qualified(schema, table)} VALUES (1)`), `INSERT in ${schema}`),
                    refusalProblem(
                        await attempt(client, `CREATE TABLE ${qualified(schema, probeName())} (id integer)`),
                        `CREATE in ${schema}`,
                    ),
                ].filter((problem): problem is string => problem !== undefined),
            );
        }
        const first = [...(probes[0]?.tables.values() ?? [])][0];
        if (first !== undefined) {
            const unqualified = await attempt(client, `SELECT * FROM ${escapeIdentifier(first)}`);
            if (!unqualified.allowed)
                problems.push(`an unqualified SELECT does not resolve through the search_path: ${unqualified.message}`);
        }
        const schema = refusalProblem(await attempt(client, `CREATE SCHEMA ${escapeIdentifier(probeName())}`), "CREATE SCHEMA");
        return schema === undefined ? problems : [...problems, schema];
    });
}

async function searchPathProblems(client: Client, read: ReadTarget): Promise<string[]> {
    const actual = parseSearchPath((await client.query<{ search_path: string }>("SHOW search_path")).rows[0].search_path);
    return actual.join(",") === read.searchPath.join(",")
        ? []
        : [`search_path is '${actual.join(", ")}', expected '${read.searchPath.join(", ")}'`];
}

async function checkRead(reader: ModeTarget, read: ReadTarget, owners: readonly ModeTarget[], sessions: Sessions): Promise<CheckResult> {
    const result = resultFor("read-url", `${reader.mode} → ${read.database}`);
    const problems = urlProblems(reader, read);
    if (!read.connection) return result("fail", problems.join("; "));
    const missing = owners.filter((owner) => !sessions.has(owner.mode));
    if (missing.length > 0) return result("skip", `cannot connect as owner ${missing.map((owner) => owner.role).join(", ")}`);
    let client: Client;
    try {
        client = await connect(read.connection);
    } catch (error) {
        return result("fail", [...problems, `cannot connect: ${describeError(error)}`].join("; "));
    }
    const probes: Array<[Client, OwnerProbes]> = [];
    try {
        for (const owner of owners) {
            const session = sessions.get(owner.mode) as Client;
            probes.push([session, await createProbes(owner, session)]);
        }
        problems.push(...probes.flatMap(([, owned]) => (owned.problem ? [owned.problem] : [])));
        problems.push(
            ...(await searchPathProblems(client, read)),
            ...(await accessProblems(
                client,
                probes.map(([, owned]) => owned),
            )),
        );
    } finally {
        for (const [session, owned] of probes) await dropProbes(session, owned);
        await client.end().catch(() => undefined);
    }
    const schemas = read.searchPath.join(", ");
    return problems.length === 0
        ? result("pass", `search_path ${schemas}; SELECT allowed, INSERT and CREATE refused`)
        : result("fail", problems.join("; "));
}

/** One row per read URL of every mode. */
export async function checkReadUrls(targets: readonly ModeTarget[], sessions: Sessions): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    for (const reader of targets) {
        for (const read of reader.reads) {
            const owners = targets.filter((owner) => owner.database === read.database && owner.readers.includes(reader.mode));
            results.push(
                await checkRead(reader, read, owners, sessions).catch((error): CheckResult => ({
                    id: "read-url",
                    subject: `${reader.mode} → ${read.database}`,
                    status: "fail",
                    detail: describeError(error),
                })),
            );
        }
    }
    return results;
}
