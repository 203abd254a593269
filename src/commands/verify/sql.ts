/**
 * Small node-postgres helpers shared by the checks.
 */
import { randomBytes } from "node:crypto";

import type { Client, ClientConfig } from "pg";

import { describeError, openSession, sqlState } from "../../shared/pg-session";

export { describeError, sqlState };

/** SQLSTATE 42501: the refusal every isolation and role check expects. */
export const INSUFFICIENT_PRIVILEGE = "42501";

/** Connects with bounded waits, so a dead server or a lock fails the check instead of hanging verify. */
export function connect(config: ClientConfig): Promise<Client> {
    return openSession({ ...config, connectionTimeoutMillis: 10_000, query_timeout: 30_000 }, "hive-db-verify");
}

/** A lower-case, unique, identifier-safe name for probe objects: nobody else creates these. */
export function probeName(): string {
    return `hive_verify_${process.pid}_${randomBytes(4).toString("hex")}`;
}

export type Attempt = { allowed: true } | { allowed: false; state?: string; message: string };

/** What is wrong when `what` should have been refused for lack of privilege, or undefined when it was. */
export function refusalProblem(outcome: Attempt, what: string): string | undefined {
    if (outcome.allowed) return `${what} succeeded`;
    if (outcome.state !== INSUFFICIENT_PRIVILEGE) return `${what} failed for another reason: ${outcome.message}`;
    return undefined;
}

/**
 * Runs one statement inside the caller's open transaction, under a savepoint: whether it works or
 * not, it leaves no trace and the transaction stays usable for the next attempt. With `keep`, what
 * a successful statement created stays until the caller's transaction ends (and is rolled back).
 */
export async function attempt(client: Client, sql: string, options: { keep?: boolean } = {}): Promise<Attempt> {
    await client.query("SAVEPOINT hive_verify_attempt");
    let outcome: Attempt;
    try {
        await client.query(sql);
        outcome = { allowed: true };
    } catch (error) {
        outcome = { allowed: false, state: sqlState(error), message: describeError(error) };
    }
    const keep = outcome.allowed && options.keep === true;
    await client.query(keep ? "RELEASE SAVEPOINT hive_verify_attempt" : "ROLLBACK TO SAVEPOINT hive_verify_attempt");
    return outcome;
}

/** Runs `body` in a transaction that is always rolled back: checks never leave objects behind. */
export async function inRolledBackTransaction<T>(client: Client, body: () => Promise<T>): Promise<T> {
    await client.query("BEGIN");
    try {
        return await body();
    } finally {
        await client.query("ROLLBACK");
    }
}

/** `SHOW search_path` text (`agent, "My Schema", extensions`) as a list of schema names. */
export function parseSearchPath(text: string): string[] {
    const names: string[] = [];
    const pattern = /\s*("((?:[^"]|"")*)"|[^,]*?)\s*(,|$)/gy;
    let match: RegExpExecArray | null;
    while (pattern.lastIndex < text.length && (match = pattern.exec(text)) !== null) {
        names.push(match[2] !== undefined ? match[2].replace(/""/g, '"') : match[1]);
        if (match[3] === "") break;
    }
    return names.filter((name) => name !== "");
}

/** `work` over `items`, at most `limit` at a time; results in the order of `items`. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
    const results = new Array<R>(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next++;
            results[index] = await work(items[index]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}
