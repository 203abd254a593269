/**
 * node-postgres sessions for the commands (adopt, finish, migrate): bounded connection waits, no
 * crash on a server-side disconnect, always closed.
 */
import { Client, type ClientConfig } from "pg";
import { parse, toClientConfig } from "pg-connection-string";

import { type ConnectionParts, libpqUrl } from "./urls";

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

/** node-postgres settings for these parts, TLS exactly as libpq would use their sslmode and sslrootcert. */
export function clientConfigFor(parts: ConnectionParts): ClientConfig {
    return parseLibpqUrl(libpqUrl(parts));
}
