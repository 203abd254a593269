/**
 * The server the database layer talks to: the stack's own pgvector container, or an existing
 * PostgreSQL reached with admin credentials from config (then no Docker resource is declared).
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, type ExternalServerConfig, type HiveDbConfig } from "../config";
import { bindMountUser, containerDialHost, volumeNameFor } from "../model/naming";
import type { DockerNames, ServerEndpoint } from "../model/outputs";
import { currentProbes } from "./probes";
import { PostgresContainer, type PostgresStorage } from "../components/postgres-container";
import type { ServerProfile } from "../model/server-profiles";
import type { SslMode } from "../model/urls";
import { COMPONENT, containerUrn } from "../resources";

/** How the admin logs in, as plain values (the probes use them before any resource exists). */
export interface AdminLogin {
    host: string;
    port: number;
    username: string;
    password: pulumi.Output<string>;
    /** `disable` for the local container (the provider's default `require` fails there). */
    sslmode: SslMode;
    sslrootcert?: string;
    maintenanceDatabase: string;
    /** What kind of server it is: which protection the database layer installs. */
    profile: ServerProfile;
}

export interface ServerHandle {
    /** How the database layer's provider logs in. */
    login: AdminLogin;
    /** Where and how the apps connect: the outputs' URLs and `.env` bodies. */
    endpoint: ServerEndpoint;
    /** What must be up before anything connects; empty for an existing server. */
    ready: pulumi.Resource[];
    /** Docker names, for the outputs; undefined for an existing server. */
    docker?: DockerNames;
    /** What to tell a user whose server does not answer. */
    repairHint: string;
}

/** The stack's own container or the configured existing server; the admin password comes from config. */
export async function serverFor(config: HiveDbConfig): Promise<ServerHandle> {
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

async function containerServer(config: HiveDbConfig, adminPassword: pulumi.Output<string>): Promise<ServerHandle> {
    const { container } = config;
    const storage = storageFor(container);
    const server = new PostgresContainer(COMPONENT.container, {
        image: container.image,
        containerName: container.name,
        hostPort: container.hostPort,
        bindAddress: container.bindAddress,
        network: {
            name: container.network,
            existing: await currentProbes().network(container.network),
            owner: `${pulumi.getProject()}/${pulumi.getStack()}`,
        },
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
            profile: "superuser",
        },
        // The container has no TLS; its URLs stay as they were, without sslmode.
        endpoint: { host: containerDialHost(container), port: container.hostPort },
        ready: [server.container],
        docker: {
            containerName: container.name,
            networkName: container.network,
            volumeName: storage.kind === "volume" ? storage.volumeName : undefined,
        },
        repairHint:
            `the container ${container.name} is in the stack's state but its server does not answer: it was stopped or ` +
            "removed outside Pulumi. Bring it back with `npm run up` (it repairs the container first), or with " +
            `\`pulumi refresh --target '${containerUrn(pulumi.getStack(), pulumi.getProject())}'\` and then \`pulumi up\``,
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
            profile: server.profile,
        },
        endpoint: { host: server.host, port: server.port, sslmode: server.sslmode, sslrootcert: server.sslrootcert },
        ready: [],
        repairHint: `check that ${server.host}:${server.port} accepts ${adminUser} (hive-db:server, hive-db:adminPassword)`,
    };
}
