/**
 * Connection URLs for the mode roles.
 *
 * The seeds wrote `?options=-csearch_path=agent`; libpq rejects the raw `=` inside a query value
 * ("extra key/value separator"), so every component is percent-encoded here. SQLAlchemy decodes the
 * same form, so both URLs share one builder and differ only in the scheme.
 */

/** What a client needs to reach one database as one role. */
export interface ConnectionParts {
    host: string;
    port: number;
    database: string;
    user: string;
    password: string;
    /** Schemas for the session's `search_path`, first one first; omitted or empty: no `options`. */
    searchPath?: readonly string[];
}

/** `postgresql://` for libpq clients (psql, psycopg.connect, node-postgres). */
export const LIBPQ_SCHEME = "postgresql";
/** `postgresql+psycopg://` for SQLAlchemy with psycopg 3, what the Hive apps read. */
export const SQLALCHEMY_SCHEME = "postgresql+psycopg";

function hostForUrl(host: string): string {
    // An IPv6 literal must be bracketed or its colons read as the port separator.
    return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** `-csearch_path=a,b` as libpq's `options` wants it, before URL encoding. */
export function searchPathOption(searchPath: readonly string[]): string {
    return `-csearch_path=${searchPath.join(",")}`;
}

/** Builds a URL with every user-supplied component percent-encoded. */
export function buildConnectionUrl(scheme: string, parts: ConnectionParts): string {
    const user = encodeURIComponent(parts.user);
    const password = encodeURIComponent(parts.password);
    const database = encodeURIComponent(parts.database);
    const base = `${scheme}://${user}:${password}@${hostForUrl(parts.host)}:${parts.port}/${database}`;
    if (!parts.searchPath || parts.searchPath.length === 0) {
        return base;
    }
    return `${base}?options=${encodeURIComponent(searchPathOption(parts.searchPath))}`;
}

export function libpqUrl(parts: ConnectionParts): string {
    return buildConnectionUrl(LIBPQ_SCHEME, parts);
}

export function sqlalchemyUrl(parts: ConnectionParts): string {
    return buildConnectionUrl(SQLALCHEMY_SCHEME, parts);
}
