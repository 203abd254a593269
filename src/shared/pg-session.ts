/**
 * node-postgres sessions for the commands (adopt, finish, migrate): bounded connection waits, no
 * crash on a server-side disconnect, always closed.
 */
import { Client, type ClientConfig } from "pg";
import { parse, toClientConfig } from "pg-connection-string";

export async function openSession(config: ClientConfig, applicationName: string): Promise<Client> {
    const client = new Client({ connectionTimeoutMillis: 15_000, ...config, application_name: applicationName });
    // A server-side disconnect must surface as the failed query, not crash the process with an 'error' event.
    client.on("error", () => undefined);
    try {
        await client.connect();
    } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
    }
    return client;
}

export async function withSession<T>(config: ClientConfig, applicationName: string, body: (client: Client) => Promise<T>): Promise<T> {
    const client = await openSession(config, applicationName);
    try {
        return await body(client);
    } finally {
        await client.end().catch(() => undefined);
    }
}

/** libpq semantics (sslmode, sslrootcert, ...); pg-connection-string keeps the input out of its errors. */
export function parseLibpqUrl(url: string): ClientConfig {
    if (!/^postgres(ql)?:\/\//.test(url)) {
        throw new Error("expected a postgresql:// URL");
    }
    return toClientConfig(parse(url, { useLibpqCompat: true }));
}

/** The SQLSTATE of a server error (`42501`), or undefined for anything else. */
export function sqlState(error: unknown): string | undefined {
    return (error as { code?: unknown })?.code?.toString();
}

/** The message with its SQLSTATE, e.g. `permission denied for schema agent (42501)`. */
export function describeError(error: unknown): string {
    const state = sqlState(error);
    const message = error instanceof Error ? error.message : String(error);
    return state ? `${message} (${state})` : message;
}
