/**
 * Connection URLs for the mode roles.
 *
 * The seeds wrote `?options=-csearch_path=agent`; libpq rejects the raw `=` inside a query value
 * ("extra key/value separator"), so every component is percent-encoded here. SQLAlchemy decodes the
 * same form, so both URLs share one builder and differ only in the scheme. Property tests check
 * that libpq (psycopg's conninfo_to_dict), node-postgres and SQLAlchemy read back every field.
 */
import type { ClientConfig } from "pg";

import { parseLibpqUrl } from "../../shared/pg-session";
import { serverHostProblem } from "../config/hosts";

/** libpq sslmode values. */
export const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** What a client needs to reach one database as one role. */
export interface ConnectionParts {
    /** A host name, IPv4 address or IPv6 address (canonical, without brackets). */
    host: string;
    port: number;
    database: string;
    user: string;
    password: string;
    /** Schemas for the session's `search_path`, first one first; omitted or empty: no `options`. */
    searchPath?: readonly string[];
    /** libpq sslmode; omitted: none in the URL (libpq's default, `prefer`). */
    sslmode?: SslMode;
    /** Root certificate file on the client machine, or `system`. */
    sslrootcert?: string;
}

/** `postgresql://` for libpq clients (psql, psycopg.connect, node-postgres). */
export const LIBPQ_SCHEME = "postgresql";
/** `postgresql+psycopg://` for SQLAlchemy with psycopg 3, what the Hive apps read. */
export const SQLALCHEMY_SCHEME = "postgresql+psycopg";

/**
 * Percent-encodes everything but letters, digits, "-", "_" and "." (stricter than
 * encodeURIComponent, which leaves `!'()*~`): the URL then needs no quoting in a `.env` file or a
 * shell, and every parser decodes it the same way.
 */
export function encodeUrlComponent(value: string): string {
    return encodeURIComponent(value).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function hostForUrl(host: string): string {
    // An IPv6 literal must be bracketed or its colons read as the port separator.
    return host.includes(":") ? `[${host}]` : host;
}

/** `-csearch_path=a,b` as libpq's `options` wants it, before URL encoding. */
export function searchPathOption(searchPath: readonly string[]): string {
    return `-csearch_path=${searchPath.join(",")}`;
}

/** Refuses parts no URL can carry, rather than emit one that parses differently somewhere. */
function checkParts(parts: ConnectionParts): void {
    const hostProblem = serverHostProblem(parts.host);
    if (hostProblem) throw new Error(`connection URL: host ${hostProblem}`);
    if (!Number.isInteger(parts.port) || parts.port < 1 || parts.port > 65535) throw new Error("connection URL: port out of range");
    for (const field of ["user", "password", "database", "sslrootcert"] as const) {
        // libpq keeps values as C strings: a NUL cannot be carried (it rejects %00).
        if (parts[field]?.includes("\0")) throw new Error(`connection URL: the ${field} contains a NUL character`);
    }
}

/** Builds a URL with every user-supplied component percent-encoded. */
export function buildConnectionUrl(scheme: string, parts: ConnectionParts): string {
    checkParts(parts);
    const user = encodeUrlComponent(parts.user);
    const password = encodeUrlComponent(parts.password);
    const database = encodeUrlComponent(parts.database);
    const query: Array<[string, string]> = [];
    if (parts.sslmode !== undefined) query.push(["sslmode", parts.sslmode]);
    if (parts.sslrootcert !== undefined) query.push(["sslrootcert", parts.sslrootcert]);
    if (parts.searchPath && parts.searchPath.length > 0) query.push(["options", searchPathOption(parts.searchPath)]);
    const base = `${scheme}://${user}:${password}@${hostForUrl(parts.host)}:${parts.port}/${database}`;
    return query.length === 0 ? base : `${base}?${query.map(([key, value]) => `${key}=${encodeUrlComponent(value)}`).join("&")}`;
}

export function libpqUrl(parts: ConnectionParts): string {
    return buildConnectionUrl(LIBPQ_SCHEME, parts);
}

export function sqlalchemyUrl(parts: ConnectionParts): string {
    return buildConnectionUrl(SQLALCHEMY_SCHEME, parts);
}

/** node-postgres settings for these parts, TLS exactly as libpq would use their sslmode and sslrootcert. */
export function clientConfigFor(parts: ConnectionParts): ClientConfig {
    return parseLibpqUrl(libpqUrl(parts));
}
