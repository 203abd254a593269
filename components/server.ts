/**
 * The server the database layer talks to: the stack's own pgvector container, or an existing
 * PostgreSQL reached with admin credentials from config (then no Docker resource is declared).
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, type ExternalServerConfig, type HiveDbConfig } from "../lib/config";
import { bindMountUser, containerDialHost, volumeNameFor } from "../lib/naming";
import type { DockerNames, ServerEndpoint } from "../lib/outputs";
import type { AdminLogin } from "./hive-database";
import { PostgresContainer, type PostgresStorage } from "./postgres-container";

export interface ServerHandle {
    /** How the database layer's provider logs in. */
    login: AdminLogin;
    /** Where and how the apps connect: the outputs' URLs and `.env` bodies. */
    endpoint: ServerEndpoint;
    /** What must be up before anything connects; empty for an existing server. */
    ready: pulumi.Resource[];
    /** Docker names, for the outputs; undefined for an existing server. */
    docker?: DockerNames;
}

/** The stack's own container or the configured existing server; the admin password comes from config. */
export function serverFor(config: HiveDbConfig): ServerHandle {
    const adminPassword = new pulumi.Config(CONFIG_NAMESPACE).requireSecret("adminPassword");
    return config.server === undefined
        ? containerServer(config, adminPassword)
        : externalServer(config.server, config.adminUser, adminPassword);
}

function storageFor(container: HiveDbConfig["container"]): PostgresStorage {
    if (container.dataDirectory === undefined) {
        return { kind: "volume", volumeName: volumeNameFor(container) };
    }
    const hostIds = () => ({ uid: process.getuid?.() ?? 1000, gid: process.getgid?.() ?? 1000 });
    return { kind: "bindMount", hostPath: container.dataDirectory, user: bindMountUser(container, hostIds) };
}

function containerServer(config: HiveDbConfig, adminPassword: pulumi.Output<string>): ServerHandle {
    const { container } = config;
    const storage = storageFor(container);
    const server = new PostgresContainer("hive-postgres", {
        image: container.image,
        containerName: container.name,
        hostPort: container.hostPort,
        bindAddress: container.bindAddress,
        networkName: container.network,
        storage,
        pgdata: container.pgdata,
        serverFlags: container.serverFlags,
        adminUser: config.adminUser,
        adminPassword,
        waitTimeoutSeconds: container.waitTimeoutSeconds,
    });
    return {
        login: {
            host: containerDialHost(container),
            port: container.hostPort,
            username: config.adminUser,
            password: adminPassword,
            sslmode: "disable",
            maintenanceDatabase: "postgres",
            superuser: true,
        },
        // The container has no TLS; its URLs stay as they were, without sslmode.
        endpoint: { host: containerDialHost(container), port: container.hostPort },
        ready: [server.container],
        docker: {
            containerName: container.name,
            networkName: container.network,
            volumeName: storage.kind === "volume" ? storage.volumeName : undefined,
        },
    };
}

function externalServer(server: ExternalServerConfig, adminUser: string, adminPassword: pulumi.Output<string>): ServerHandle {
    return {
        login: {
            host: server.host,
            port: server.port,
            username: adminUser,
            password: adminPassword,
            sslmode: server.sslmode,
            sslrootcert: server.sslrootcert,
            maintenanceDatabase: server.maintenanceDatabase,
            superuser: server.superuser,
        },
        endpoint: { host: server.host, port: server.port, sslmode: server.sslmode, sslrootcert: server.sslrootcert },
        ready: [],
    };
}
