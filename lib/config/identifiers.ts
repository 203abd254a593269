/**
 * Which names may become SQL identifiers (schemas, roles, databases, extensions schema).
 */

/** PostgreSQL truncates identifiers at NAMEDATALEN - 1 bytes. */
export const MAX_IDENTIFIER_BYTES = 63;

/**
 * Words PostgreSQL reserves outright (Appendix C, "reserved" in the PostgreSQL column): as a schema
 * or role name they only work quoted, and the apps put schema names into `search_path` unquoted.
 */
// prettier-ignore
const RESERVED_WORDS = new Set([
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization",
    "binary", "both", "case", "cast", "check", "collate", "collation", "column", "concurrently",
    "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
    "current_schema", "current_time", "current_timestamp", "current_user", "default", "deferrable",
    "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign", "freeze",
    "from", "full", "grant", "group", "having", "ilike", "in", "initially", "inner", "intersect",
    "into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime",
    "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order",
    "outer", "overlaps", "placing", "primary", "references", "returning", "right", "select",
    "session_user", "similar", "some", "symmetric", "system_user", "table", "tablesample", "then",
    "to", "trailing", "true", "union", "unique", "user", "using", "variadic", "verbose", "when",
    "where", "window", "with",
]);

const IDENTIFIER_PATTERN = /^[a-z_][a-z0-9_]*$/;

/** Why `name` is not a safe, unreserved SQL identifier, or undefined when it is one. */
export function identifierProblem(name: string): string | undefined {
    if (!IDENTIFIER_PATTERN.test(name)) {
        return `"${name}" is not a safe SQL identifier: use lower-case letters, digits and "_", not starting with a digit`;
    }
    if (Buffer.byteLength(name, "utf8") > MAX_IDENTIFIER_BYTES) {
        return `"${name}" is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES}-byte identifier limit`;
    }
    if (name.startsWith("pg_") || name === "information_schema") {
        return `"${name}" is reserved by PostgreSQL (pg_* and information_schema are system names)`;
    }
    if (RESERVED_WORDS.has(name)) {
        return `"${name}" is a reserved SQL keyword`;
    }
    return undefined;
}
