/**
 * Which names may become SQL identifiers (schemas, roles, databases, extensions schema), and which
 * role and database names are taken by PostgreSQL itself.
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

/**
 * Role names with a meaning of their own. `public` is how PostgreSQL (and the provider) names
 * PUBLIC, every role: a mode "role" by that name would turn its grants into grants to everyone.
 */
const SPECIAL_ROLE_NAMES: Record<string, string> = {
    public: `"public" is PostgreSQL's name for every role (PUBLIC): its grants would go to everyone; choose another role name`,
    none: `"none" is reserved by PostgreSQL as a role name`,
};

/** The bootstrap superuser of the official image (without POSTGRES_USER) and of most installations. */
export const BOOTSTRAP_SUPERUSER = "postgres";

/** Why `name` cannot be a role the stack creates or logs in as (`postgres` only where allowed). */
export function roleNameProblem(name: string, options: { allowBootstrapSuperuser: boolean }): string | undefined {
    const special = Object.hasOwn(SPECIAL_ROLE_NAMES, name) ? SPECIAL_ROLE_NAMES[name] : undefined;
    if (special) return special;
    if (name === BOOTSTRAP_SUPERUSER && !options.allowBootstrapSuperuser) {
        return `"${name}" is the bootstrap superuser of most PostgreSQL servers; a mode needs a least-privilege role of its own`;
    }
    return identifierProblem(name);
}

/** Databases every server has: the stack neither creates nor owns them. */
export const SYSTEM_DATABASES = ["postgres", "template0", "template1"] as const;

/** Why `name` cannot be a database the stack creates. */
export function databaseNameProblem(name: string): string | undefined {
    if ((SYSTEM_DATABASES as readonly string[]).includes(name)) {
        return `"${name}" is a system database of every PostgreSQL server; choose a database of the stack's own (e.g. "hive")`;
    }
    return identifierProblem(name);
}

const EXTENSION_NAME_PATTERN = /^[a-z0-9_][a-z0-9_-]*$/;

/**
 * Why `name` cannot be an extension. Extension names are identifiers the provider quotes, and the
 * real ones use `-` (uuid-ossp) and `pg_` (pg_trgm); they never reach a URL or a search_path.
 */
export function extensionNameProblem(name: string): string | undefined {
    if (!EXTENSION_NAME_PATTERN.test(name)) {
        return `"${name}" is not an extension name: use lower-case letters, digits, "_" and "-" (e.g. "vector", "uuid-ossp")`;
    }
    if (Buffer.byteLength(name, "utf8") > MAX_IDENTIFIER_BYTES) {
        return `"${name}" is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES}-byte identifier limit`;
    }
    return undefined;
}
