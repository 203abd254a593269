import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import {
    CONTAINER_STOP_GRACE_SECONDS,
    DATA_MOUNT_PATH,
    healthcheck,
    POSTGRES_CONTAINER_PORT,
    serverCommand,
} from "../model/server-process";
import type { NetworkInfo } from "../program/probes";
import { containerChild, TYPE } from "../resources";
import { DockerNetwork } from "./docker-network";

/** Where the data lives: a named Docker volume (default) or a host directory (seed 003's ./data/postgres). */
export type PostgresStorage =
    | { kind: "volume"; volumeName: string }
    | {
          kind: "bindMount";
          hostPath: string;
          /** `UID:GID` the server runs as, so files in the host directory belong to the host user. */
          user: string;
      };

/** Whether the network is declared or only joined depends on what Docker has: plain values. */
export interface PostgresNetwork {
    /** Bridge network the apps join. @default "app_network" */
    name: string;
    /** The network as Docker has it now; undefined when it does not exist yet. */
    existing?: NetworkInfo;
    /** Label value marking networks this stack created (`<project>/<stack>`). */
    owner: string;
}

export interface PostgresContainerArgs {
    /**
     * Image reference. An image already present locally is used as is, so a locally built image
     * works on a machine without registry access.
     * @default "agnohq/pgvector:16"
     */
    image: pulumi.Input<string>;
    /** @default "hive-postgres-shared" */
    containerName: pulumi.Input<string>;
    /** Host port published for PostgreSQL's 5432. @default 5532 */
    hostPort: pulumi.Input<number>;
    /** Host address the port is published on. @default "127.0.0.1" */
    bindAddress: pulumi.Input<string>;
    network: PostgresNetwork;
    /** A volume or a bind mount: decides which resources exist, so a plain value. @default a volume `<containerName>-data` */
    storage: PostgresStorage;
    /** Where the server keeps its files, under the data mount. @default "/var/lib/postgresql/data/pgdata" */
    pgdata: pulumi.Input<string>;
    /** Passed as `postgres -c name=value`. @default {max_connections: "200", shared_buffers: "256MB", effective_cache_size: "1GB"} */
    serverFlags: pulumi.Input<Record<string, string>>;
    /** The superuser the image creates on an empty data directory. @default "hive_admin" */
    adminUser: pulumi.Input<string>;
    /** Only seeds an empty data directory; see the `ignoreChanges` note below. */
    adminPassword: pulumi.Input<string>;
    /** How long `pulumi up` waits for the healthcheck. @default 180 */
    waitTimeoutSeconds: pulumi.Input<number>;
}

/** Label on the networks this stack creates: `destroy` removes those, and only those. */
export const NETWORK_OWNER_LABEL = "dev.automagik.hive-db.stack";

/**
 * The admin password reaches the image as a file (POSTGRES_PASSWORD_FILE, the official image's
 * Docker-secrets contract), not an env entry: the provider reads `envs` back as an unordered set
 * after a refresh, so no ignoreChanges path into it stays pointed at the password.
 */
const ADMIN_PASSWORD_FILE = "/run/hive-db/admin-password";

/**
 * The shared pgvector server: image, network, data volume and container, healthy before
 * `pulumi up` moves on to the database layer.
 */
export class PostgresContainer extends pulumi.ComponentResource {
    public readonly provider: docker.Provider;
    /** The container; healthy once created (`wait: true`), which is what the database layer waits for. */
    public readonly container: docker.Container;
    /** The container's name, known once it exists. */
    public readonly containerName: pulumi.Output<string>;
    /** The network the container joined (declared here, or an existing one only joined). */
    public readonly networkName: pulumi.Output<string>;

    constructor(name: string, args: PostgresContainerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE.postgresContainer, name, {}, opts);
        // An explicit provider (DOCKER_HOST or the local socket), so no child depends on ambient defaults.
        this.provider = new docker.Provider(containerChild.provider(name), {}, { parent: this });
        const childOpts = { parent: this, provider: this.provider };

        const image = new docker.RemoteImage(containerChild.image(name), { name: args.image, keepLocally: true }, childOpts);
        this.networkName = pulumi.output(this.createNetwork(name, args.network, childOpts));
        const volumes = this.createStorage(name, args.storage, childOpts);
        this.container = this.createContainer(name, args, image.imageId, this.networkName, volumes, childOpts);
        this.containerName = this.container.name;
        this.registerOutputs({ containerName: this.containerName, networkName: this.networkName });
    }

    /**
     * A network this stack created (or creates now) is a resource, which `destroy` removes; one that
     * exists without this stack's label (compose's `app_network`, another stack's) is only joined.
     */
    private createNetwork(name: string, network: PostgresNetwork, opts: pulumi.CustomResourceOptions): pulumi.Input<string> {
        const existing = network.existing;
        if (existing !== undefined && existing.labels[NETWORK_OWNER_LABEL] !== network.owner) {
            return network.name;
        }
        // Ours but not in the state (a state lost or restored, an interrupted create): its create takes it over.
        const resource = new DockerNetwork(
            containerChild.network(name),
            { name: network.name, labels: { [NETWORK_OWNER_LABEL]: network.owner } },
            { parent: opts.parent },
        );
        return resource.name;
    }

    /** The data's home: a named volume (kept by `destroy` and replacements) or a host directory. */
    private createStorage(
        name: string,
        storage: PostgresStorage,
        opts: pulumi.CustomResourceOptions,
    ): docker.types.input.ContainerVolume[] {
        if (storage.kind === "bindMount") {
            return [{ hostPath: storage.hostPath, containerPath: DATA_MOUNT_PATH }];
        }
        // Docker's volume create returns an existing volume of that name: a kept volume is reused as is.
        const volume = new docker.Volume(containerChild.volume(name), { name: storage.volumeName }, { ...opts, retainOnDelete: true });
        return [{ volumeName: volume.name, containerPath: DATA_MOUNT_PATH }];
    }

    private createContainer(
        name: string,
        args: PostgresContainerArgs,
        imageId: pulumi.Output<string>,
        networkName: pulumi.Input<string>,
        volumes: docker.types.input.ContainerVolume[],
        opts: pulumi.CustomResourceOptions,
    ): docker.Container {
        return new docker.Container(
            containerChild.container(name),
            {
                name: args.containerName,
                image: imageId,
                restart: "unless-stopped",
                user: args.storage.kind === "bindMount" ? args.storage.user : undefined,
                envs: [
                    pulumi.interpolate`POSTGRES_USER=${args.adminUser}`,
                    // The stack creates its databases itself; the image only makes the admin's.
                    "POSTGRES_DB=postgres",
                    pulumi.interpolate`PGDATA=${args.pgdata}`,
                    `POSTGRES_PASSWORD_FILE=${ADMIN_PASSWORD_FILE}`,
                ],
                // Readable by whichever user the image's entrypoint runs as (root, or the bind mount's).
                uploads: [{ file: ADMIN_PASSWORD_FILE, content: pulumi.secret(args.adminPassword), permissions: "0444" }],
                command: pulumi.output(args.serverFlags).apply(serverCommand),
                ports: [{ internal: POSTGRES_CONTAINER_PORT, external: args.hostPort, ip: args.bindAddress }],
                volumes,
                networksAdvanced: [{ name: networkName, aliases: ["postgres"] }],
                healthcheck: pulumi.output(args.adminUser).apply(healthcheck),
                wait: true,
                waitTimeout: args.waitTimeoutSeconds,
                // A replacement or destroy stops PostgreSQL with its stop signal (SIGINT: a fast shutdown)
                // and this grace period; unset, the provider kills it at once.
                destroyGraceSeconds: CONTAINER_STOP_GRACE_SECONDS,
            },
            {
                ...opts,
                // The provider ignores healthcheck edits unless they force a replacement.
                replaceOnChanges: ["healthcheck"],
                // A replacement must free the host port and container name before the new one starts.
                deleteBeforeReplace: true,
                // The password file only seeds an empty data directory: a new password would replace the
                // container yet change nothing inside the server, so a password never touches it.
                ignoreChanges: ["uploads"],
            },
        );
    }
}
