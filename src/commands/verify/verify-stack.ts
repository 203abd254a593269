/**
 * verify: checks a live database against a stack's outputs, using only the mode roles' credentials.
 */
import type { Client } from "pg";

import { checkEnvFile, checkNodePostgres, checkPsql, checkServer, checkSqlalchemyUrl, checkUrlTls } from "./connect-checks";
import { checkIsolation } from "./isolation";
import { checkReadUrls } from "./read-checks";
import {
    checkDefaultSearchPath,
    checkOwnSchema,
    checkPublicPrivileges,
    checkRoleAttributes,
    checkSearchPath,
    checkVector,
} from "./mode-checks";
import { redactorFor } from "../common/output-secrets";
import type { StackOutputs } from "../../stack/model/outputs";
import { checkStartupSchemas, checkUnmanagedObjects } from "./startup-checks";
import type { CheckId, CheckResult } from "./results";
import { describeError, mapConcurrently } from "./sql";
import { type ModeTarget, modeTargets } from "./targets";

export { formatReport, allPassed, CHECK_TITLES, type CheckResult, type CheckId } from "./results";

/** A check that throws becomes a failed row instead of ending the run. */
async function guarded(id: CheckId, subject: string, check: () => Promise<CheckResult>): Promise<CheckResult> {
    try {
        return await check();
    } catch (error) {
        return { id, subject, status: "fail", detail: describeError(error) };
    }
}

type SessionCheck = (client: Client, target: ModeTarget, all: readonly ModeTarget[]) => Promise<CheckResult>;

const SESSION_CHECKS: ReadonlyArray<[CheckId, SessionCheck]> = [
    ["search-path", checkSearchPath],
    ["default-search-path", (_client, target) => checkDefaultSearchPath(target)],
    ["own-schema", checkOwnSchema],
    ["vector", checkVector],
    ["role-attributes", checkRoleAttributes],
    ["startup-schemas", checkStartupSchemas],
    ["unmanaged-objects", checkUnmanagedObjects],
];

/** How many modes are checked at once: each holds two or three connections of its role. */
const MODE_CONCURRENCY = 8;

/** One mode's logins and the checks that run in its own session; the session stays open for isolation. */
async function checkMode(
    target: ModeTarget,
    targets: readonly ModeTarget[],
    server: { host: string; port: number },
    outputs: StackOutputs,
): Promise<{ rows: CheckResult[]; client?: Client }> {
    const rows = [await guarded("psql", target.mode, () => checkPsql(target))];
    const login = await checkNodePostgres(target, server).catch((error) => ({
        result: { id: "node-postgres", subject: target.mode, status: "fail", detail: describeError(error) } as CheckResult,
        client: undefined,
    }));
    rows.push(
        login.result,
        checkSqlalchemyUrl(target),
        checkUrlTls(target, { sslmode: outputs.serverSslmode, sslrootcert: outputs.serverSslrootcert }),
    );
    const client = login.client;
    for (const [id, check] of SESSION_CHECKS) {
        rows.push(
            client
                ? await guarded(id, target.mode, () => check(client, target, targets))
                : { id, subject: target.mode, status: "skip", detail: `cannot connect as ${target.role}` },
        );
    }
    if (target.envFile !== undefined) rows.push(checkEnvFile(target, outputs.apiPorts?.[target.mode]));
    return { rows, client };
}

/**
 * Runs every check and returns one row per check, in report order. Details are scrubbed of every
 * secret in the outputs. Never throws for a database problem; throws only for a programming error.
 */
export async function verifyStack(outputs: StackOutputs): Promise<CheckResult[]> {
    const redact = redactorFor(outputs);
    const results: CheckResult[] = [];
    const server = { host: outputs.serverHost, port: outputs.serverPort };
    const targets = modeTargets(outputs);

    results.push(await guarded("server", `${server.host}:${server.port}`, () => checkServer(server.host, server.port)));
    if (results[0].status !== "pass") {
        return scrub(results, redact);
    }

    const sessions = new Map<string, Client>();
    try {
        // Modes are independent: checked side by side, reported in config order.
        const perMode = await mapConcurrently(targets, MODE_CONCURRENCY, (target) => checkMode(target, targets, server, outputs));
        for (const [index, { rows, client }] of perMode.entries()) {
            results.push(...rows);
            if (client) sessions.set(targets[index].mode, client);
        }

        results.push(...(await checkIsolation(targets, sessions)));
        results.push(...(await checkReadUrls(targets, sessions)));

        // pg_database is a shared catalog: any mode's session can read every database's ACL.
        const anySession = sessions.values().next().value;
        for (const database of [...new Set(targets.map((target) => target.database))]) {
            results.push(
                anySession
                    ? await guarded("public-privileges", database, () => checkPublicPrivileges(anySession, database))
                    : { id: "public-privileges", subject: database, status: "skip", detail: "no mode could connect" },
            );
        }
    } finally {
        await Promise.all([...sessions.values()].map((client) => client.end().catch(() => undefined)));
    }
    return scrub(results, redact);
}

function scrub(results: CheckResult[], redact: (text: string) => string): CheckResult[] {
    return results.map((result) => ({ ...result, subject: redact(result.subject), detail: redact(result.detail) }));
}
