/**
 * The stack's configuration: one schema, its defaults (which reproduce the seeds) and every check
 * that must pass before a single resource is registered.
 *
 * `parseConfig` is pure: it takes the raw `hive-db:*` values as Pulumi hands them over (strings,
 * JSON for structured values) and returns a typed, fully defaulted `HiveDbConfig`, or throws one
 * `ConfigError` listing every problem with the key that caused it.
 */
import { isIP } from "net";
import * as path from "path";
import { z } from "zod";
import { DATA_MOUNT_PATH } from "./container";

/** Pulumi config namespace: keys are `hive-db:<key>`. */
export const CONFIG_NAMESPACE = "hive-db";

/** Keys holding secrets: they are read with `requireSecret`, never parsed or echoed here. */
export const SECRET_KEYS = ["adminPassword"] as const;

const WILDCARD_ADDRESSES = new Set(["0.0.0.0", "::"]);

/** PostgreSQL truncates identifiers at NAMEDATALEN - 1 bytes. */
export const MAX_IDENTIFIER_BYTES = 63;

/**
 * Words PostgreSQL reserves outright (Appendix C, "reserved" in the PostgreSQL column): as a schema
 * or role name they only work quoted, and the apps put schema names into `search_path` unquoted.
 */
const RESERVED_WORDS = new Set([
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
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

const identifier = z.string().superRefine((name, ctx) => {
    const problem = identifierProblem(name);
    if (problem) {
        ctx.addIssue({ code: "custom", message: problem });
    }
});

const port = z
    .number({ error: "must be a port number" })
    .int("must be a whole number")
    .min(1, "must be between 1 and 65535")
    .max(65535, "must be between 1 and 65535");

const positiveInt = z.number().int("must be a whole number").min(1, "must be at least 1");
const rotationCounter = z.number().int("must be a whole number").min(0, "must be 0 or more");

/** A strict object whose unknown-key error names the keys that would be valid. */
function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
    const validKeys = Object.keys(shape).join(", ");
    return z.strictObject(shape, {
        error: (issue) =>
            issue.code === "unrecognized_keys"
                ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}; valid keys: ${validKeys}`
                : undefined,
    });
}

/** Server flags passed as `postgres -c name=value`. */
const serverFlagName = z.string().regex(/^[a-z_][a-z0-9_.]*$/, "is not a PostgreSQL setting name");
const serverFlagValue = z
    .union([z.string(), z.number()])
    .transform(String)
    .refine((value) => value.length > 0 && !/\s/.test(value), "must be a non-empty value without whitespace");

const modeSchema = strictObject({
    /** Schemas the mode's role owns; the first is where unqualified new tables land. */
    schemas: z.array(identifier).min(1, "a mode needs at least one schema"),
    /** Role name; default `hive_<mode>`. */
    role: identifier.optional(),
    /** Database holding the mode's schemas; default the stack's `database`. */
    database: identifier.optional(),
    /** Explicit API port; wins over `apiPortPrefix`. */
    apiPort: port.optional(),
    /** One digit put in front of `apiBasePort` (3 → 38886). Neither set: the base port. */
    apiPortPrefix: z.number().int().min(1, "must be a single digit 1-9").max(9, "must be a single digit 1-9").optional(),
    /** Modes that may read (SELECT only) every schema of this mode. */
    readers: z.array(identifier).default([]),
    /** CONNECTION LIMIT of the role. */
    connectionLimit: positiveInt.default(50),
    /** Bump to generate a new role password; only the role changes. */
    passwordRotation: rotationCounter.default(0),
    /** Bump to generate a new API key; only the mode's outputs change. */
    apiKeyRotation: rotationCounter.default(0),
});

const containerSchema = strictObject({
    image: z.string().min(1).default("agnohq/pgvector:16"),
    name: z
        .string()
        .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "is not a valid container name")
        .default("hive-postgres-shared"),
    hostPort: port.default(5532),
    // An IP literal: Docker binds a host name such as "localhost" on every interface, or refuses it.
    bindAddress: z
        .string()
        .refine((address) => isIP(address) !== 0, 'must be an IP address such as "127.0.0.1" (not a host name)')
        .default("127.0.0.1"),
    /** Must be true to publish the port on anything but loopback. */
    allowNonLoopbackBind: z.boolean().default(false),
    network: z.string().min(1).default("app_network"),
    /** Named volume for PGDATA; default `<name>-data`. Ignored when `dataDirectory` is set. */
    volume: z.string().min(1).optional(),
    /** Absolute host path bind-mounted instead of a named volume. */
    dataDirectory: z.string().min(1).optional(),
    /** `UID:GID` to run as with `dataDirectory`; default the host user running Pulumi. */
    user: z
        .string()
        .regex(/^\d+:\d+$/, 'must be "UID:GID", e.g. "1000:1000"')
        .optional(),
    // Only DATA_MOUNT_PATH is on the volume: a PGDATA elsewhere would live and die with the container.
    pgdata: z
        .string()
        .refine(
            (dir) => path.posix.normalize(dir) === DATA_MOUNT_PATH || path.posix.normalize(dir).startsWith(DATA_MOUNT_PATH + "/"),
            `must be ${DATA_MOUNT_PATH} or a directory under it (the only path kept on the volume)`,
        )
        .default(`${DATA_MOUNT_PATH}/pgdata`),
    serverFlags: z.record(serverFlagName, serverFlagValue).default({
        max_connections: "200",
        shared_buffers: "256MB",
        effective_cache_size: "1GB",
    }),
    /** Seconds `pulumi up` waits for the healthcheck to pass. */
    waitTimeoutSeconds: positiveInt.default(180),
});

const externalServerSchema = strictObject({
    host: z.string().min(1),
    port: port.default(5432),
    sslmode: z.enum(["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]).default("require"),
    /** Database the provider connects to for server-wide statements. */
    maintenanceDatabase: identifier.default("postgres"),
    /** Set false for managed servers whose admin is not a true superuser (RDS, Cloud SQL). */
    superuser: z.boolean().default(true),
});

/** Seeds 000-003: workspace owns public/agno/hive on the base port; agent and genie are prefixed. */
const DEFAULT_MODES = {
    workspace: { schemas: ["public", "agno", "hive"] },
    agent: { schemas: ["agent"], apiPortPrefix: 3 },
    genie: { schemas: ["genie"], apiPortPrefix: 4 },
};

const configSchema = strictObject({
    database: identifier.default("hive"),
    adminUser: identifier.default("hive_admin"),
    /** Secret; required with `server`, unused with the container (a random one is generated). */
    adminPassword: z.unknown().optional(),
    extensions: z.array(identifier).default(["vector"]),
    extensionsSchema: identifier.default("extensions"),
    apiBasePort: port.default(8886),
    /** Databases that already exist and are taken over (`import`) instead of created. */
    adoptDatabases: z.array(identifier).default([]),
    // Zod's prefault runs the default through the schema, so nested defaults apply to it too.
    modes: z.record(identifier, modeSchema).prefault(DEFAULT_MODES),
    container: containerSchema.prefault({}),
    server: externalServerSchema.optional(),
});

/** Every accepted key, per section: the README's config reference documents exactly these. */
export const CONFIG_KEYS = {
    top: Object.keys(configSchema.shape),
    mode: Object.keys(modeSchema.shape),
    container: Object.keys(containerSchema.shape),
    server: Object.keys(externalServerSchema.shape),
};

export type ModeConfig = z.output<typeof modeSchema>;
export type ContainerConfig = z.output<typeof containerSchema>;
export type ExternalServerConfig = z.output<typeof externalServerSchema>;
export type HiveDbConfig = Omit<z.output<typeof configSchema>, "adminPassword">;

/** Every problem found in the config, each naming its key. */
export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`Invalid ${CONFIG_NAMESPACE} configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

function keyName(issuePath: readonly PropertyKey[]): string {
    return [CONFIG_NAMESPACE + ":" + String(issuePath[0] ?? ""), ...issuePath.slice(1).map(String)].join(".").replace(/:$/, "");
}

/** A bad map key (a mode name, a server flag) carries its reason one level down. */
function issueMessage(issue: z.core.$ZodIssue): string {
    if (issue.code === "invalid_key") {
        return issue.issues.map((inner) => inner.message).join("; ");
    }
    return issue.message;
}

/** Pulumi hands over structured values as JSON and scalars as their text: accept both. */
function decodeValue(raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

/**
 * Takes `pulumi.runtime.allConfig()` (every key of every namespace) and returns this stack's
 * validated config. Keys of other namespaces (`docker:*`, `postgresql:*`) are left to their owners.
 */
export function parseConfig(allConfig: Record<string, string>): HiveDbConfig {
    const prefix = CONFIG_NAMESPACE + ":";
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(allConfig)) {
        if (key.startsWith(prefix)) {
            const name = key.slice(prefix.length);
            // Secrets are only checked for presence: their values never enter a parser or a message.
            raw[name] = (SECRET_KEYS as readonly string[]).includes(name) ? true : decodeValue(value);
        }
    }
    const parsed = configSchema.safeParse(raw);
    if (!parsed.success) {
        throw new ConfigError(parsed.error.issues.map((issue) => `${keyName(issue.path)}: ${issueMessage(issue)}`));
    }
    const { adminPassword, ...config } = parsed.data;
    const problems = layoutProblems(config, adminPassword !== undefined);
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return config;
}

/** The API port a mode's app listens on: explicit, else prefix digit + base, else base. */
export function apiPortFor(mode: ModeConfig, basePort: number): number {
    if (mode.apiPort !== undefined) {
        return mode.apiPort;
    }
    return mode.apiPortPrefix === undefined ? basePort : Number(`${mode.apiPortPrefix}${basePort}`);
}

export function roleNameFor(modeName: string, mode: ModeConfig): string {
    return mode.role ?? `hive_${modeName}`;
}

export function databaseFor(config: HiveDbConfig, mode: ModeConfig): string {
    return mode.database ?? config.database;
}

/** 127.0.0.0/8 or ::1; `address` is already known to be an IP literal. */
/** Every database the stack manages, the main one first. */
export function managedDatabases(config: HiveDbConfig): string[] {
    return [...new Set([config.database, ...Object.values(config.modes).map((mode) => databaseFor(config, mode))])];
}

function isLoopback(address: string): boolean {
    return isIP(address) === 4 ? address.startsWith("127.") : address === "::1";
}

/** Cross-field rules a per-key schema cannot express. */
function layoutProblems(config: HiveDbConfig, hasAdminPassword: boolean): string[] {
    const problems: string[] = [];
    const modeNames = Object.keys(config.modes);
    const key = (mode: string, field: string) => `${CONFIG_NAMESPACE}:modes.${mode}.${field}`;

    if (modeNames.length === 0) {
        problems.push(`${CONFIG_NAMESPACE}:modes: at least one mode is required`);
    }

    // Ports: every API port, and the container's host port, bind on the same host.
    const portOwners = new Map<number, string>();
    const claimPort = (portNumber: number, owner: string) => {
        const previous = portOwners.get(portNumber);
        if (previous) {
            problems.push(`${owner}: port ${portNumber} is already used by ${previous}; every port must be unique`);
        } else {
            portOwners.set(portNumber, owner);
        }
    };
    if (!config.server) {
        claimPort(config.container.hostPort, `${CONFIG_NAMESPACE}:container.hostPort`);
    }

    const schemaOwners = new Map<string, string>();
    const roleOwners = new Map<string, string>();
    for (const modeName of modeNames) {
        const mode = config.modes[modeName];
        const apiPort = apiPortFor(mode, config.apiBasePort);
        const portKey =
            mode.apiPort !== undefined
                ? key(modeName, "apiPort")
                : mode.apiPortPrefix !== undefined
                  ? key(modeName, "apiPortPrefix")
                  : `${CONFIG_NAMESPACE}:apiBasePort (mode ${modeName})`;
        if (apiPort > 65535) {
            problems.push(`${portKey}: API port ${apiPort} is above 65535; choose a smaller prefix or set ${key(modeName, "apiPort")}`);
        } else {
            claimPort(apiPort, portKey);
        }

        const role = roleNameFor(modeName, mode);
        const roleProblem = identifierProblem(role);
        if (roleProblem) {
            problems.push(`${key(modeName, "role")}: ${roleProblem} (derived from the mode name; set a shorter role)`);
        }
        if (role === config.adminUser) {
            problems.push(`${key(modeName, "role")}: "${role}" is the admin user; a mode needs a role of its own`);
        }
        const otherRole = roleOwners.get(role);
        if (otherRole) {
            problems.push(`${key(modeName, "role")}: role "${role}" is already mode ${otherRole}'s; every mode needs its own role`);
        }
        roleOwners.set(role, modeName);

        const database = databaseFor(config, mode);
        const seen = new Set<string>();
        for (const schema of mode.schemas) {
            if (seen.has(schema)) {
                problems.push(`${key(modeName, "schemas")}: schema "${schema}" is listed twice`);
                continue;
            }
            seen.add(schema);
            if (schema === config.extensionsSchema) {
                problems.push(
                    `${key(modeName, "schemas")}: "${schema}" is the shared extensions schema (${CONFIG_NAMESPACE}:extensionsSchema) and cannot belong to a mode`,
                );
            }
            const owner = schemaOwners.get(`${database}.${schema}`);
            if (owner) {
                problems.push(
                    `${key(modeName, "schemas")}: schema "${schema}" in database "${database}" is already owned by mode ${owner}; a schema has one owning mode (use readers to share it)`,
                );
            }
            schemaOwners.set(`${database}.${schema}`, modeName);
        }

        for (const reader of mode.readers) {
            if (reader === modeName) {
                problems.push(`${key(modeName, "readers")}: a mode cannot list itself as a reader`);
            } else if (!config.modes[reader]) {
                problems.push(`${key(modeName, "readers")}: unknown mode "${reader}"; valid modes: ${modeNames.join(", ")}`);
            }
        }
    }

    const databases = managedDatabases(config);
    for (const database of config.adoptDatabases) {
        if (!databases.includes(database)) {
            problems.push(
                `${CONFIG_NAMESPACE}:adoptDatabases: "${database}" is not a database of this stack; valid: ${databases.join(", ")}`,
            );
        }
    }

    if (config.server) {
        if (!hasAdminPassword) {
            problems.push(
                `${CONFIG_NAMESPACE}:adminPassword: required with ${CONFIG_NAMESPACE}:server; set it with "pulumi config set --secret ${CONFIG_NAMESPACE}:adminPassword"`,
            );
        }
    } else {
        const container = config.container;
        if (!isLoopback(container.bindAddress) && !container.allowNonLoopbackBind) {
            problems.push(
                `${CONFIG_NAMESPACE}:container.bindAddress: "${container.bindAddress}" publishes PostgreSQL beyond this machine; ` +
                    `use 127.0.0.1, or set ${CONFIG_NAMESPACE}:container.allowNonLoopbackBind to true to opt in`,
            );
        }
        if (container.dataDirectory !== undefined && !path.isAbsolute(container.dataDirectory)) {
            problems.push(`${CONFIG_NAMESPACE}:container.dataDirectory: "${container.dataDirectory}" must be an absolute host path`);
        }
        if (container.user !== undefined && container.dataDirectory === undefined) {
            problems.push(
                `${CONFIG_NAMESPACE}:container.user: only applies with container.dataDirectory (a bind mount); a named volume runs as the image's postgres user`,
            );
        }
        if (hasAdminPassword) {
            problems.push(
                `${CONFIG_NAMESPACE}:adminPassword: only used with ${CONFIG_NAMESPACE}:server; the container's admin password is generated`,
            );
        }
    }
    return problems;
}

/** `UID:GID` for a bind-mounted data directory: the configured one, else the user running Pulumi. */
export function bindMountUser(container: ContainerConfig, hostIds: () => { uid: number; gid: number }): string {
    if (container.user !== undefined) {
        return container.user;
    }
    const { uid, gid } = hostIds();
    return `${uid}:${gid}`;
}

/** The host a client on this machine dials to reach the container's published port. */
export function containerDialHost(container: ContainerConfig): string {
    return WILDCARD_ADDRESSES.has(container.bindAddress) ? "127.0.0.1" : container.bindAddress;
}
