/**
 * Admin credentials of an existing install, as seed 003's `extract_postgres_credentials_from_env()`
 * finds them: the app's `.env` (`HIVE_DATABASE_URL=postgresql+psycopg://user:pass@host:port/db`,
 * else POSTGRES_USER/POSTGRES_PASSWORD), or the container's own environment. Parsed with dotenv
 * and pg-connection-string; no message here ever contains a password or a whole URL.
 */
import { parse as parseDotenv } from "dotenv";
import type { ClientConfig } from "pg";
import { parse as parseUrl } from "pg-connection-string";

import { parseLibpqUrl } from "../verify/targets";
import type { LegacyContainer } from "./legacy-container";
import { CommandError } from "../../shared/cli";

export interface LegacyCredentials {
    user: string;
    password: string;
    /** The app's database (`hive`), when the source names one. */
    database?: string;
    /** Where they came from, for messages (`.env HIVE_DATABASE_URL`). */
    source: string;
}

export class CredentialsError extends CommandError {}

/** An empty variable is an unset one (as the image's entrypoint reads them). */
export const nonEmpty = (value: string | undefined) => (value === "" ? undefined : value);

/** Accepts what the apps use (`postgresql+psycopg://`) as well as plain libpq URLs. */
export function normalizeScheme(url: string): string {
    return url.replace(/^postgres(ql)?\+[a-z0-9]+:\/\//i, "postgresql://");
}

/** A libpq connection from any of the URL forms the Hive apps have written. */
export function connectionFromUrl(url: string, what: string): ClientConfig {
    try {
        return parseLibpqUrl(normalizeScheme(url.trim()));
    } catch (error) {
        // The parser keeps the URL out of its message; so do we.
        throw new CredentialsError(`${what} is not a postgresql:// URL (${(error as Error).message})`);
    }
}

function fromDatabaseUrl(url: string, source: string): LegacyCredentials {
    let parts: ReturnType<typeof parseUrl>;
    try {
        parts = parseUrl(normalizeScheme(url.trim()));
    } catch (error) {
        throw new CredentialsError(`${source} is not a database URL (${(error as Error).message})`);
    }
    if (!parts.user || !parts.password) {
        throw new CredentialsError(`${source} has no user or no password (expected postgresql+psycopg://user:password@host:port/hive)`);
    }
    return { user: parts.user, password: parts.password, database: parts.database ?? undefined, source };
}

/** Seed 003's extraction from the text of a `.env` file. */
export function credentialsFromEnvFile(text: string, file: string): LegacyCredentials {
    const env = parseDotenv(text);
    if (env.HIVE_DATABASE_URL) {
        return fromDatabaseUrl(env.HIVE_DATABASE_URL, `${file} HIVE_DATABASE_URL`);
    }
    if (env.POSTGRES_USER && env.POSTGRES_PASSWORD) {
        return {
            user: env.POSTGRES_USER,
            password: env.POSTGRES_PASSWORD,
            database: nonEmpty(env.POSTGRES_DB),
            source: `${file} POSTGRES_USER/POSTGRES_PASSWORD`,
        };
    }
    throw new CredentialsError(`${file} has neither HIVE_DATABASE_URL nor POSTGRES_USER and POSTGRES_PASSWORD`);
}

/** What the container was started with (compose passes POSTGRES_USER/POSTGRES_PASSWORD through). */
export function credentialsFromContainer(container: LegacyContainer): LegacyCredentials {
    const password = container.env.POSTGRES_PASSWORD;
    if (!password) {
        throw new CredentialsError(
            `container ${container.name} has no POSTGRES_PASSWORD in its environment: pass the app's .env with --env-file ` +
                "(its HIVE_DATABASE_URL holds the admin user and password)",
        );
    }
    return {
        user: nonEmpty(container.env.POSTGRES_USER) ?? "postgres",
        password,
        database: nonEmpty(container.env.POSTGRES_DB),
        source: `container ${container.name}'s POSTGRES_USER/POSTGRES_PASSWORD`,
    };
}

/** The legacy database a mode's `.env` points at (its HIVE_DATABASE_URL), as a connection. */
export function connectionFromEnvFile(text: string, file: string): ClientConfig {
    const url = parseDotenv(text).HIVE_DATABASE_URL;
    if (!url) throw new CredentialsError(`${file} has no HIVE_DATABASE_URL`);
    return connectionFromUrl(url, `${file} HIVE_DATABASE_URL`);
}
