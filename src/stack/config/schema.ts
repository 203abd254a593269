/**
 * The shape of the `hive-db:*` configuration: one zod schema per section, with the defaults that
 * reproduce the seeds. Cross-field rules live in rules.ts.
 */
import { isIP } from "net";
import * as path from "path";
import { z } from "zod";
import { DATA_MOUNT_PATH } from "../model/server-process";
import { dataDirectoryProblem, dockerNameProblem, imageReferenceProblem, networkNameProblem } from "./docker-names";
import { SERVER_PROFILES } from "../model/server-profiles";
import { SSL_MODES } from "../model/urls";
import { canonicalHost, serverHostProblem, sslRootCertProblem } from "./hosts";
import { databaseNameProblem, extensionNameProblem, identifierProblem, roleNameProblem } from "./identifiers";

/** A string checked by a `...Problem` function (undefined: fine). */
const checkedName = (problemOf: (name: string) => string | undefined) =>
    z.string().superRefine((name, ctx) => {
        const problem = problemOf(name);
        if (problem) {
            ctx.addIssue({ code: "custom", message: problem });
        }
    });

const identifier = checkedName(identifierProblem);
/** A database the stack creates: not one every server already has. */
const databaseName = checkedName(databaseNameProblem);
const modeRole = checkedName((name) => roleNameProblem(name, { allowBootstrapSuperuser: false }));
// Old Makefile setups and managed servers log in as `postgres`: allowed for the admin only.
const adminRole = checkedName((name) => roleNameProblem(name, { allowBootstrapSuperuser: true }));

const port = z
    .number({ error: "must be a port number" })
    .int("must be a whole number")
    .min(1, "must be between 1 and 65535")
    .max(65535, "must be between 1 and 65535");

const positiveInt = z.number().int("must be a whole number").min(1, "must be at least 1");
const rotationCounter = z.number().int("must be a whole number").min(0, "must be 0 or more");

/**
 * A strict object whose unknown-key error names the keys that would be valid, and what replaced a
 * key that earlier versions accepted (`replaced`: old key → what to write instead).
 */
function strictObject<Shape extends z.ZodRawShape>(shape: Shape, replaced: Readonly<Record<string, string>> = {}) {
    const validKeys = Object.keys(shape).join(", ");
    const named = (key: string) => (Object.hasOwn(replaced, key) ? `"${key}" (${replaced[key]})` : `"${key}"`);
    return z.strictObject(shape, {
        error: (issue) =>
            issue.code === "unrecognized_keys" ? `unknown key(s) ${issue.keys.map(named).join(", ")}; valid keys: ${validKeys}` : undefined,
    });
}

/** Settings the container's port mapping, healthcheck and data volume depend on: the stack owns them. */
const STACK_SETTINGS = new Set(["port", "listen_addresses", "data_directory", "config_file", "hba_file", "ident_file"]);

/** Server flags passed as `postgres -c name=value`. */
const serverFlagName = z
    .string()
    .regex(/^[a-z_][a-z0-9_.]*$/, "is not a PostgreSQL setting name")
    .refine((name) => !STACK_SETTINGS.has(name), "cannot be changed here: the stack sets it (published port, healthcheck, data volume)");
const serverFlagValue = z
    // `pulumi config set --path` stores true/false and numbers as JSON: postgres -c reads them as text.
    .union([z.string(), z.number(), z.boolean()])
    .transform(String)
    .refine((value) => value.length > 0 && !/\s/.test(value), "must be a non-empty value without whitespace");

const modeSchema = strictObject({
    /** Schemas the mode's role owns; the first is where unqualified new tables land. */
    schemas: z.array(identifier).min(1, "a mode needs at least one schema"),
    /** Role name; default `hive_<mode>`. */
    role: modeRole.optional(),
    /** Database holding the mode's schemas; default the stack's `database`. */
    database: databaseName.optional(),
    /** Explicit API port; wins over `apiPortPrefix`. */
    apiPort: port.optional(),
    /** One digit put in front of `apiBasePort` (3 → 38886). Neither set: the base port. */
    apiPortPrefix: z.number().int().min(1, "must be a single digit 1-9").max(9, "must be a single digit 1-9").optional(),
    /** Modes that may read (SELECT only) every schema of this mode. */
    readers: z.array(identifier).default([]),
    /** CONNECTION LIMIT of the role (PostgreSQL's max_connections cannot exceed 262143 either). */
    connectionLimit: positiveInt.max(262143, "must be at most 262143 (PostgreSQL's largest max_connections)").default(50),
    /** Bump to generate a new role password; only the role changes. */
    passwordRotation: rotationCounter.default(0),
    /** Bump to generate a new API key; only the mode's outputs change. */
    apiKeyRotation: rotationCounter.default(0),
});

/** `hive-db:rotations.<mode>`: counters for one stack, each added to the mode's own. */
const rotationSchema = strictObject({
    password: rotationCounter.default(0),
    apiKey: rotationCounter.default(0),
});

const isUnderDataMount = (dir: string) =>
    path.posix.normalize(dir) === DATA_MOUNT_PATH || path.posix.normalize(dir).startsWith(DATA_MOUNT_PATH + "/");

const containerSchema = strictObject({
    image: checkedName(imageReferenceProblem).default("agnohq/pgvector:16"),
    name: checkedName((name) => dockerNameProblem(name, "container")).default("hive-postgres-shared"),
    hostPort: port.default(5532),
    // An IP literal: Docker binds a host name such as "localhost" on every interface, or refuses it.
    bindAddress: z
        .string()
        .refine((address) => isIP(address) !== 0 && !address.includes("%"), 'must be an IP address such as "127.0.0.1" (not a host name)')
        .transform(canonicalHost)
        .default("127.0.0.1"),
    /** Must be true to publish the port on anything but loopback. */
    allowNonLoopbackBind: z.boolean().default(false),
    network: checkedName(networkNameProblem).default("app_network"),
    /** Named volume for PGDATA; default `<name>-data`. Not allowed together with `dataDirectory`. */
    volume: checkedName((name) => dockerNameProblem(name, "volume")).optional(),
    /** Absolute host path bind-mounted instead of a named volume. */
    dataDirectory: checkedName(dataDirectoryProblem).optional(),
    /** `UID:GID` to run as with `dataDirectory`; default the host user running Pulumi. */
    user: z
        .string()
        .regex(/^\d+:\d+$/, 'must be "UID:GID", e.g. "1000:1000"')
        .refine((user) => Number(user.split(":")[0]) !== 0, "cannot be root (UID 0): PostgreSQL refuses to run as root")
        .optional(),
    pgdata: z
        .string()
        .refine(isUnderDataMount, `must be ${DATA_MOUNT_PATH} or a directory under it (the only path kept on the volume)`)
        .default(`${DATA_MOUNT_PATH}/pgdata`),
    serverFlags: z.record(serverFlagName, serverFlagValue).default({
        max_connections: "200",
        shared_buffers: "256MB",
        effective_cache_size: "1GB",
    }),
    /** Seconds `pulumi up` waits for the healthcheck to pass. */
    waitTimeoutSeconds: positiveInt.default(180),
});

const externalServerSchema = strictObject(
    {
        host: checkedName(serverHostProblem).transform(canonicalHost),
        port: port.default(5432),
        /** libpq sslmode of the provider and of every URL. */
        sslmode: z.enum(SSL_MODES).default("require"),
        /** Root certificate file on the client machines, or `system`: in every URL, the `.env` bodies and the provider. */
        sslrootcert: checkedName(sslRootCertProblem).optional(),
        /** Database the provider connects to for server-wide statements. */
        maintenanceDatabase: identifier
            .refine((name) => name !== "template0", '"template0" does not accept connections; use "postgres" or another existing database')
            .default("postgres"),
        /** What kind of server it is: decides what keeps the modes apart there (src/stack/model/server-profiles.ts). */
        profile: z.enum(SERVER_PROFILES).default("superuser"),
    },
    {
        superuser: "replaced by profile: superuser: false is profile rds, cloudsql, azure or generic",
    },
);

/** Seeds 000-003: workspace owns public/agno/hive on the base port; agent and genie are prefixed. */
const DEFAULT_MODES = {
    workspace: { schemas: ["public", "agno", "hive"] },
    agent: { schemas: ["agent"], apiPortPrefix: 3 },
    genie: { schemas: ["genie"], apiPortPrefix: 4 },
};

export const configSchema = strictObject({
    database: databaseName.default("hive"),
    adminUser: adminRole.default("hive_admin"),
    /** Secret, required: the container is initialised with it, or the existing server's admin has it. */
    adminPassword: z.unknown().optional(),
    extensions: z.array(checkedName(extensionNameProblem)).default(["vector"]),
    extensionsSchema: identifier.default("extensions"),
    apiBasePort: port.default(8886),
    /** Databases that must already exist on the server (existing ones are adopted whether listed or not). */
    adoptDatabases: z.array(identifier).default([]),
    // Zod's prefault runs the default through the schema, so nested defaults apply to it too.
    modes: z.record(identifier, modeSchema).prefault(DEFAULT_MODES),
    /**
     * A stack's own rotations, per mode: they add to the mode's `passwordRotation`/`apiKeyRotation`,
     * so a rotation never rewrites the team's `modes` map (a stack that sets `modes` replaces it whole).
     */
    rotations: z.record(identifier, rotationSchema).default({}),
    container: containerSchema.prefault({}),
    server: externalServerSchema.optional(),
});

/** Every accepted key, per section: docs/configuration.md documents exactly these. */
export const CONFIG_KEYS = {
    top: Object.keys(configSchema.shape),
    mode: Object.keys(modeSchema.shape),
    rotation: Object.keys(rotationSchema.shape),
    container: Object.keys(containerSchema.shape),
    server: Object.keys(externalServerSchema.shape),
};

export type ModeConfig = z.output<typeof modeSchema>;
export type ContainerConfig = z.output<typeof containerSchema>;
export type ExternalServerConfig = z.output<typeof externalServerSchema>;
export type HiveDbConfig = Omit<z.output<typeof configSchema>, "adminPassword">;
