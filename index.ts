/**
 * hive-db: the shared PostgreSQL (pgvector) for every Automagik Hive mode.
 * Reads config, composes the components, exports what app deploys consume. Nothing else.
 */
import * as pulumi from "@pulumi/pulumi";
import { Credentials } from "./components/credentials";
import { HiveDatabase, ServerConnection } from "./components/hiveDatabase";
import { PostgresContainer } from "./components/postgresContainer";
import { bindMountUser, CONFIG_NAMESPACE, containerDialHost, parseConfig } from "./lib/config";
import { perMode, resolveLayout } from "./lib/layout";
import { modeConnection, modeFacts } from "./lib/outputs";

// Validation runs before any resource is registered: bad config fails with every problem listed.
const config = parseConfig(pulumi.runtime.allConfig());
const layout = resolveLayout(config);
const stack = "hive";

const credentials = new Credentials(`${stack}-credentials`, {
    generateAdminPassword: config.server === undefined,
    modes: layout.modes.map((mode) => ({ mode: mode.name, passwordRotation: mode.passwordRotation, apiKeyRotation: mode.apiKeyRotation })),
});

let server: PostgresContainer | undefined;
let connection: ServerConnection;
if (config.server === undefined) {
    const container = config.container;
    server = new PostgresContainer(`${stack}-postgres`, {
        image: container.image,
        containerName: container.name,
        hostPort: container.hostPort,
        bindAddress: container.bindAddress,
        networkName: container.network,
        storage:
            container.dataDirectory === undefined
                ? { kind: "volume", volumeName: container.volume ?? `${container.name}-data` }
                : {
                      kind: "bindMount",
                      hostPath: container.dataDirectory,
                      user: bindMountUser(container, () => ({ uid: process.getuid?.() ?? 1000, gid: process.getgid?.() ?? 1000 })),
                  },
        pgdata: container.pgdata,
        serverFlags: container.serverFlags,
        adminUser: config.adminUser,
        adminPassword: credentials.adminPassword!,
        waitTimeoutSeconds: container.waitTimeoutSeconds,
    });
    connection = {
        host: containerDialHost(container),
        port: container.hostPort,
        username: config.adminUser,
        password: credentials.adminPassword!,
        sslmode: "disable",
        maintenanceDatabase: "postgres",
        superuser: true,
    };
} else {
    connection = {
        host: config.server.host,
        port: config.server.port,
        username: config.adminUser,
        password: new pulumi.Config(CONFIG_NAMESPACE).requireSecret("adminPassword"),
        sslmode: config.server.sslmode,
        maintenanceDatabase: config.server.maintenanceDatabase,
        superuser: config.server.superuser,
    };
}

const database = new HiveDatabase(`${stack}-database`, {
    connection,
    layout,
    rolePasswords: credentials.rolePasswords,
    adoptDatabases: config.adoptDatabases,
    serverReady: server ? [server.container] : undefined,
});

const connections = perMode(layout.modes, (mode) =>
    pulumi.secret(
        pulumi
            .all([credentials.rolePasswords[mode.name], credentials.apiKeys[mode.name], database.roles[mode.name]])
            .apply(([password, apiKey]) => modeConnection(connection, mode, password, apiKey)),
    ),
);

/** Address and port clients on this machine use to reach the server. */
export const serverHost = connection.host;
export const serverPort = connection.port;
/** The main database (`hive`). */
export const databaseName = database.databases[config.database];
/** Docker names; undefined with an existing server. */
export const containerName = server?.containerName;
export const networkName = server?.networkName;
export const volumeName = server?.volumeName;
/** Schema holding the extensions (vector); on every mode's search_path. */
export const extensionsSchema = layout.extensionsSchema;
export const modeNames = layout.modes.map((mode) => mode.name);
/** Per mode: LOGIN role, database, owned schemas, default search_path, readers, API port. */
export const roles = database.roles;
export const { databases, schemas, searchPaths, readers, apiPorts } = modeFacts(layout);
/** Per mode, secret: SQLAlchemy URL (`postgresql+psycopg://`), what the Hive apps read. */
export const databaseUrls = perMode(layout.modes, (mode) => connections[mode.name].databaseUrl);
/** Per mode, secret: libpq URL (`postgresql://`) for psql, psycopg.connect and node-postgres. */
export const libpqUrls = perMode(layout.modes, (mode) => connections[mode.name].libpqUrl);
/** Per mode, secret: a ready-to-write `.env` body. */
export const envFiles = perMode(layout.modes, (mode) => connections[mode.name].envFile);
/** Per mode, secret: the app's API key (also in its `.env`). */
export const apiKeys = credentials.apiKeys;
