import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DATA_MOUNT_PATH, healthcheck, POSTGRES_CONTAINER_PORT, serverCommand } from "../lib/container";

/** Where the data lives: a named Docker volume (default) or a host directory (seed 003's ./data/postgres). */
export type PostgresStorage =
    | { kind: "volume"; volumeName: string }
    | {
          kind: "bindMount";
          hostPath: string;
          /** `UID:GID` the server runs as, so files in the host directory belong to the host user. */
          user: string;
      };

export interface PostgresContainerArgs {
    /**
     * Image reference. An image already present locally is used as is, so a locally built image
     * works on a machine without registry access.
     * @default "agnohq/pgvector:16"
     */
    image: string;
    /** @default "hive-postgres-shared" */
    containerName: string;
    /** @default 5532 */
    hostPort: number;
    /**
     * Host address the port is published on.
     * @default "127.0.0.1"
     */
    bindAddress: string;
    /** Bridge network the apps join. @default "app_network" */
    networkName: string;
    storage: PostgresStorage;
    /** @default "/var/lib/postgresql/data/pgdata" */
    pgdata: string;
    /** Passed as `postgres -c name=value`. */
    serverFlags: Record<string, string>;
    adminUser: string;
    /** Only seeds an empty data directory; see the `ignoreChanges` note below. */
    adminPassword: pulumi.Input<string>;
    /** How long `pulumi up` waits for the healthcheck. @default 180 */
    waitTimeoutSeconds: number;
}

/** Property path of the admin password in the container's env list. */
const ADMIN_PASSWORD_ENV = "envs[0]";

/**
 * The shared pgvector server: image, network, data volume and container, healthy before
 * `pulumi up` moves on to the database layer.
 */
export class PostgresContainer extends pulumi.ComponentResource {
    public readonly provider: docker.Provider;
    public readonly container: docker.Container;
    /** Docker's name of the container. */
    public readonly containerName: pulumi.Output<string>;
    public readonly networkName: pulumi.Output<string>;
    /** Name of the data volume; undefined with a bind-mounted data directory. */
    public volumeName?: pulumi.Output<string>;

    constructor(name: string, args: PostgresContainerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hive-db:docker:PostgresContainer", name, {}, opts);
        // An explicit provider (DOCKER_HOST or the local socket), so no child depends on ambient defaults.
        this.provider = new docker.Provider(`${name}-docker`, {}, { parent: this });
        const childOpts = { parent: this, provider: this.provider };

        const image = new docker.RemoteImage(`${name}-image`, { name: args.image, keepLocally: true }, childOpts);
        const network = new docker.Network(`${name}-network`, { name: args.networkName, driver: "bridge" }, childOpts);
        const volumes = this.createStorage(name, args.storage, childOpts);
        this.container = this.createContainer(name, args, image.imageId, network.name, volumes, childOpts);

        this.containerName = this.container.name;
        this.networkName = network.name;
        this.registerOutputs({ containerName: this.containerName, networkName: this.networkName, volumeName: this.volumeName });
    }

    /** The data's home: a named volume (never deleted by `destroy` or a replacement) or a host directory. */
    private createStorage(
        name: string,
        storage: PostgresStorage,
        opts: pulumi.CustomResourceOptions,
    ): docker.types.input.ContainerVolume[] {
        if (storage.kind === "bindMount") {
            return [{ hostPath: storage.hostPath, containerPath: DATA_MOUNT_PATH }];
        }
        const volume = new docker.Volume(`${name}-data`, { name: storage.volumeName }, { ...opts, protect: true, retainOnDelete: true });
        this.volumeName = volume.name;
        return [{ volumeName: volume.name, containerPath: DATA_MOUNT_PATH }];
    }

    private createContainer(
        name: string,
        args: PostgresContainerArgs,
        imageId: pulumi.Output<string>,
        networkName: pulumi.Output<string>,
        volumes: docker.types.input.ContainerVolume[],
        opts: pulumi.CustomResourceOptions,
    ): docker.Container {
        return new docker.Container(
            `${name}-container`,
            {
                name: args.containerName,
                image: imageId,
                restart: "unless-stopped",
                user: args.storage.kind === "bindMount" ? args.storage.user : undefined,
                envs: [
                    // First: ADMIN_PASSWORD_ENV below points at it.
                    pulumi.secret(pulumi.interpolate`POSTGRES_PASSWORD=${args.adminPassword}`),
                    pulumi.interpolate`POSTGRES_USER=${args.adminUser}`,
                    // The stack creates its databases itself; the image only makes the admin's.
                    "POSTGRES_DB=postgres",
                    `PGDATA=${args.pgdata}`,
                ],
                command: serverCommand(args.serverFlags),
                ports: [{ internal: POSTGRES_CONTAINER_PORT, external: args.hostPort, ip: args.bindAddress }],
                volumes,
                networksAdvanced: [{ name: networkName, aliases: ["postgres"] }],
                healthcheck: healthcheck(args.adminUser),
                wait: true,
                waitTimeout: args.waitTimeoutSeconds,
            },
            {
                ...opts,
                // The provider ignores healthcheck edits unless they force a replacement.
                replaceOnChanges: ["healthcheck"],
                // A replacement must free the host port and container name before the new one starts.
                deleteBeforeReplace: true,
                // POSTGRES_PASSWORD only seeds an empty data directory: a new one would replace the
                // container yet change nothing inside the server, so a password never touches it.
                ignoreChanges: [ADMIN_PASSWORD_ENV],
            },
        );
    }
}
