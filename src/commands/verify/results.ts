/**
 * Rows of the verify report and how they are printed.
 */

/** Every check verify runs; the ids are what tests and scripts match on. */
export const CHECK_TITLES = {
    server: "server answers (pg_isready)",
    psql: "libpq URL connects with psql",
    "node-postgres": "libpq URL connects with node-postgres",
    "sqlalchemy-url": "SQLAlchemy URL = libpq URL + driver",
    "url-sslmode": "URLs carry the server's sslmode",
    "search-path": "search_path from the URL",
    "default-search-path": "role's default search_path (no options)",
    "own-schema": "unqualified CREATE lands in own schema",
    vector: "vector type usable",
    "role-attributes": "no SUPERUSER/CREATEDB/CREATEROLE",
    "startup-schemas": "CREATE SCHEMA IF NOT EXISTS own schemas",
    "unmanaged-objects": "owns no schema/extension beyond config",
    "env-file": "env file matches the outputs",
    isolation: "refused in another mode's schemas",
    "read-url": "read URL: SELECT only, in the owners' schemas",
    "public-privileges": "PUBLIC has no CONNECT/TEMP/CREATE",
} as const;

export type CheckId = keyof typeof CHECK_TITLES;

/** `skip`: the check could not run because an earlier one failed (which already fails the run). */
export type CheckStatus = "pass" | "fail" | "skip";

export interface CheckResult {
    id: CheckId;
    /** What was checked: a mode, `reader → owner` for isolation, a database, or host:port. */
    subject: string;
    status: CheckStatus;
    detail: string;
}

/** A row maker for one check and subject: `resultFor("psql", "agent")("pass", "connected")`. */
export function resultFor(id: CheckId, subject: string) {
    return (status: CheckStatus, detail: string): CheckResult => ({ id, subject, status, detail });
}

/** True when every row passed; a skipped row means something it depends on failed. */
export function allPassed(results: readonly CheckResult[]): boolean {
    return results.length > 0 && results.every((result) => result.status === "pass");
}

/**
 * A plain-text table, one row per check, then a summary line. Every line goes through `redact`
 * last, so a password can reach the terminal through no path, whatever a detail contains.
 */
export function formatReport(results: readonly CheckResult[], redact: (text: string) => string): string {
    const rows = results.map((result) => [result.status.toUpperCase(), CHECK_TITLES[result.id], result.subject, oneLine(result.detail)]);
    const header = ["STATUS", "CHECK", "SUBJECT", "DETAIL"];
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
    const line = (cells: string[]) =>
        cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join("  ");
    const counts = (status: CheckStatus) => results.filter((result) => result.status === status).length;
    const summary =
        `${counts("pass")} passed, ${counts("fail")} failed, ${counts("skip")} skipped: ` +
        (allPassed(results) ? "the database matches the stack outputs." : "VERIFY FAILED.");
    return [line(header), ...rows.map(line), "", summary].map(redact).join("\n") + "\n";
}

function oneLine(text: string): string {
    return text.replace(/\s*\n\s*/g, " | ").trim();
}
