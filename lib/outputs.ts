/**
 * What an app deploy receives for one mode: its URLs and a ready-to-write `.env` body.
 * Pure functions over plain values; the stack calls them inside `pulumi.all(...)` so everything
 * built from a password stays a Pulumi secret.
 */
import { Layout, ModeLayout, perMode } from "./layout";
import { libpqUrl, sqlalchemyUrl } from "./urls";

export interface ServerEndpoint {
    host: string;
    port: number;
}

export interface ModeConnection {
    /** `postgresql+psycopg://…`, for the Python apps (SQLAlchemy). */
    databaseUrl: string;
    /** `postgresql://…`, for psql, psycopg.connect, node-postgres. */
    libpqUrl: string;
    envFile: string;
}

/** The stack's plain per-mode outputs: what apps and verify learn about each mode besides secrets. */
export function modeFacts(layout: Layout) {
    return {
        databases: perMode(layout.modes, (mode) => mode.database),
        schemas: perMode(layout.modes, (mode) => mode.schemas),
        searchPaths: perMode(layout.modes, (mode) => mode.searchPath),
        readers: perMode(layout.modes, (mode) => mode.readers),
        apiPorts: perMode(layout.modes, (mode) => mode.apiPort),
    };
}

// Values made only of these characters need no quoting in any dotenv dialect.
const PLAIN_DOTENV_VALUE = /^[A-Za-z0-9_./:@%+=,?-]*$/;

/** One `KEY=value` line that python-dotenv, docker compose and `source` all read back verbatim. */
export function dotenvLine(key: string, value: string): string {
    if (PLAIN_DOTENV_VALUE.test(value)) {
        return `${key}=${value}`;
    }
    if (!value.includes("'") && !value.includes("\n")) {
        // Single quotes: no escapes are interpreted inside them.
        return `${key}='${value}'`;
    }
    throw new Error(`${key}: value cannot be written to a .env file safely (it contains a single quote or newline)`);
}

export function modeConnection(server: ServerEndpoint, mode: ModeLayout, password: string, apiKey: string): ModeConnection {
    const parts = {
        host: server.host,
        port: server.port,
        database: mode.database,
        user: mode.role,
        password,
        searchPath: mode.searchPath,
    };
    const databaseUrl = sqlalchemyUrl(parts);
    const lines = [
        `# ${mode.name} mode: written by the hive-db stack; regenerate with "pulumi stack output envFiles --show-secrets".`,
        dotenvLine("HIVE_DATABASE_URL", databaseUrl),
        dotenvLine("HIVE_API_PORT", String(mode.apiPort)),
        dotenvLine("HIVE_API_KEY", apiKey),
        dotenvLine("HIVE_DB_SCHEMA", mode.schemas[0]),
        dotenvLine("POSTGRES_HOST", server.host),
        dotenvLine("POSTGRES_PORT", String(server.port)),
        dotenvLine("POSTGRES_DB", mode.database),
        dotenvLine("POSTGRES_USER", mode.role),
        dotenvLine("POSTGRES_PASSWORD", password),
    ];
    return { databaseUrl, libpqUrl: libpqUrl(parts), envFile: lines.join("\n") + "\n" };
}
