/**
 * The stack outputs: one contract (a zod schema and its type) and one builder. index.ts exports
 * what the builder returns, verify validates its input against the schema, and the test fixtures
 * build their outputs with the same builder. Pure: index.ts wraps the secret half in Pulumi secrets.
 */
import { z } from "zod";
import { dotenvLine } from "./dotenv";
import { type Layout, type ModeLayout, modeEntry, perMode, readSearchPaths } from "./layout";
import { readUrlEnvKey } from "./naming";
import { libpqUrl, SSL_MODES, type SslMode, sqlalchemyUrl } from "./urls";

const name = z.string().min(1);
const byMode = <T extends z.ZodType>(value: T) => z.record(z.string(), value);

/** Outputs anyone may read. */
export const publicOutputsSchema = z.object({
    /** Address and port clients on this machine use to reach the server. */
    serverHost: name,
    serverPort: z.number().int().min(1).max(65535),
    /** The sslmode every URL carries; absent for the stack's own container (its URLs carry none). */
    serverSslmode: z.enum(SSL_MODES).optional(),
    /** The root certificate path every URL carries, when configured. */
    serverSslrootcert: name.optional(),
    /** The main database (`hive`). */
    databaseName: name,
    /** Docker names; absent with an existing server. */
    containerName: name.optional(),
    networkName: name.optional(),
    volumeName: name.optional(),
    /** Schema holding the extensions (vector); on every mode's search_path. */
    extensionsSchema: name,
    modeNames: z.array(name).min(1),
    roles: byMode(name),
    databases: byMode(name),
    schemas: byMode(z.array(name).min(1)),
    searchPaths: byMode(z.array(name).min(1)),
    /** Modes that may SELECT (only) in every schema of the key mode. */
    readers: byMode(z.array(name)),
    apiPorts: byMode(z.number().int().min(1).max(65535)),
});

/** Outputs built from passwords and API keys: exported as Pulumi secrets. */
export const secretOutputsSchema = z.object({
    /** SQLAlchemy URL (`postgresql+psycopg://`), what the Hive apps read. */
    databaseUrls: byMode(name),
    /** libpq URL (`postgresql://`) for psql, psycopg.connect and node-postgres. */
    libpqUrls: byMode(name),
    /**
     * Per database of another mode this mode may read (seed 004's shared knowledge): a SQLAlchemy URL
     * as this mode's role, its search_path the schemas it may read there + the extensions schema.
     * `{}` for a mode that reads nothing in another database. In the `.env` body as
     * `HIVE_READ_DATABASE_URL_<DATABASE>`.
     */
    readUrls: byMode(z.record(z.string(), name)),
    /** The same read connections as libpq URLs. */
    readLibpqUrls: byMode(z.record(z.string(), name)),
    /** A ready-to-write `.env` body. */
    envFiles: byMode(z.string()),
    /** The app's API key (also in its `.env`). */
    apiKeys: byMode(name),
});

export const stackOutputsSchema = publicOutputsSchema.extend(secretOutputsSchema.shape);

export type PublicOutputs = z.infer<typeof publicOutputsSchema>;
export type SecretOutputs = z.infer<typeof secretOutputsSchema>;
export type StackOutputs = z.infer<typeof stackOutputsSchema>;

/** The outputs exported as Pulumi secrets. */
export const SECRET_OUTPUT_KEYS = Object.keys(secretOutputsSchema.shape) as Array<keyof SecretOutputs>;

/** Where and how clients reach the server. */
export interface ServerEndpoint {
    host: string;
    port: number;
    /** libpq sslmode for every URL and `.env` body; undefined: none written. */
    sslmode?: SslMode;
    /** Root certificate file on the client machines, or `system`. */
    sslrootcert?: string;
}

/** Docker names of the stack's own container; undefined with an existing server. */
export interface DockerNames {
    containerName: string;
    networkName: string;
    volumeName?: string;
}

/** Per mode: its role password and API key. */
export interface ModeSecrets {
    passwords: Readonly<Record<string, string>>;
    apiKeys: Readonly<Record<string, string>>;
}

export function publicOutputs(layout: Layout, server: ServerEndpoint, docker?: DockerNames): PublicOutputs {
    return {
        serverHost: server.host,
        serverPort: server.port,
        // Only when set: an exported `undefined` would still be a key.
        ...(server.sslmode === undefined ? {} : { serverSslmode: server.sslmode }),
        ...(server.sslrootcert === undefined ? {} : { serverSslrootcert: server.sslrootcert }),
        databaseName: layout.databases[0],
        ...docker,
        extensionsSchema: layout.extensionsSchema,
        modeNames: layout.modes.map((mode) => mode.name),
        roles: perMode(layout.modes, (mode) => mode.role),
        databases: perMode(layout.modes, (mode) => mode.database),
        schemas: perMode(layout.modes, (mode) => mode.schemas),
        searchPaths: perMode(layout.modes, (mode) => mode.searchPath),
        readers: perMode(layout.modes, (mode) => mode.readers),
        apiPorts: perMode(layout.modes, (mode) => mode.apiPort),
    };
}

/**
 * One mode's URLs and `.env` body. `reads`: per database of another mode it may read, the
 * search_path of its read connection there (`readSearchPaths`).
 */
export function modeConnection(
    server: ServerEndpoint,
    mode: ModeLayout,
    password: string,
    apiKey: string,
    reads: Readonly<Record<string, readonly string[]>> = {},
) {
    const { host, port, sslmode, sslrootcert } = server;
    const endpoint = { host, port, sslmode, sslrootcert, user: mode.role, password };
    const parts = { ...endpoint, database: mode.database, searchPath: mode.searchPath };
    const databaseUrl = sqlalchemyUrl(parts);
    const readParts = Object.entries(reads).map(([database, searchPath]) => ({ ...endpoint, database, searchPath }));
    const readUrls = Object.fromEntries(readParts.map((read) => [read.database, sqlalchemyUrl(read)]));
    const lines = [
        `# ${mode.name} mode: from the hive-db stack outputs; write it with "npm run env" (README: Writing .env files for the apps).`,
        dotenvLine("HIVE_DATABASE_URL", databaseUrl),
        ...Object.entries(readUrls).map(([database, url]) => dotenvLine(readUrlEnvKey(database), url)),
        dotenvLine("HIVE_API_PORT", String(mode.apiPort)),
        dotenvLine("HIVE_API_KEY", apiKey),
        dotenvLine("HIVE_DB_SCHEMA", mode.schemas[0]),
        dotenvLine("POSTGRES_HOST", host),
        dotenvLine("POSTGRES_PORT", String(port)),
        dotenvLine("POSTGRES_DB", mode.database),
        dotenvLine("POSTGRES_USER", mode.role),
        dotenvLine("POSTGRES_PASSWORD", password),
        // libpq reads these from the environment: a connection built from POSTGRES_* gets the same TLS.
        ...(sslmode === undefined ? [] : [dotenvLine("PGSSLMODE", sslmode)]),
        ...(sslrootcert === undefined ? [] : [dotenvLine("PGSSLROOTCERT", sslrootcert)]),
    ];
    return {
        databaseUrl,
        libpqUrl: libpqUrl(parts),
        readUrls,
        readLibpqUrls: Object.fromEntries(readParts.map((read) => [read.database, libpqUrl(read)])),
        envFile: lines.join("\n") + "\n",
    };
}

export function secretOutputs(layout: Layout, server: ServerEndpoint, secrets: ModeSecrets): SecretOutputs {
    const reads = readSearchPaths(layout.modes, layout.extensionsSchema);
    const apiKey = (mode: ModeLayout) => modeEntry(secrets.apiKeys, mode.name, "API key");
    const connections = perMode(layout.modes, (mode) =>
        modeConnection(
            server,
            mode,
            modeEntry(secrets.passwords, mode.name, "password"),
            apiKey(mode),
            modeEntry(reads, mode.name, "reads"),
        ),
    );
    const each = <T>(value: (connection: (typeof connections)[string]) => T) =>
        perMode(layout.modes, (mode) => value(modeEntry(connections, mode.name, "connection")));
    return {
        databaseUrls: each((connection) => connection.databaseUrl),
        libpqUrls: each((connection) => connection.libpqUrl),
        readUrls: each((connection) => connection.readUrls),
        readLibpqUrls: each((connection) => connection.readLibpqUrls),
        envFiles: each((connection) => connection.envFile),
        apiKeys: perMode(layout.modes, apiKey),
    };
}

/** Every output of a stack, as plain values (what `pulumi stack output --json --show-secrets` prints). */
export function stackOutputs(layout: Layout, server: ServerEndpoint, secrets: ModeSecrets, docker?: DockerNames): StackOutputs {
    return { ...publicOutputs(layout, server, docker), ...secretOutputs(layout, server, secrets) };
}
