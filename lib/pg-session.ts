/**
 * node-postgres sessions for the commands (adopt, finish, migrate): bounded connection waits, no
 * crash on a server-side disconnect, always closed.
 */
import { Client, type ClientConfig } from "pg";

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
