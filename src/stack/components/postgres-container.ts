import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DATA_MOUNT_PATH, healthcheck, POSTGRES_CONTAINER_PORT, serverCommand } from "../model/server-process";
import type { NetworkInfo } from "../program/probes";

/** Where the data lives: a named Docker volume (default) or a host directory (seed 003's ./data/postgres). */
export type PostgresStorage =
    | { kind: "volume"; volumeName: string }
    | {
          kind: "bindMount";
          hostPath: string;
          /** `UID:GID` the server runs as, so files in the host directory belong to the host user. */
          user: string;
      };

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
    image: string;
    /** @default "hive-postgres-shared" */
    containerName: string;
    /** @default 5532 */
    hostPort: number;
    /** Host address the port is published on. @default "127.0.0.1" */
    bindAddress: string;
    network: PostgresNetwork;
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
    public readonly container: docker.Container;

    constructor(name: string, args: PostgresContainerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hive-db:docker:PostgresContainer", name, {}, opts);
        // An explicit provider (DOCKER_HOST or the local socket), so no child depends on ambient defaults.
        this.provider = new docker.Provider(`${name}-docker`, {}, { parent: this });
        const childOpts = { parent: this, provider: this.provider };

        const image = new docker.RemoteImage(`${name}-image`, { name: args.image, keepLocally: true }, childOpts);
        const networkName = this.createNetwork(name, args.network, childOpts);
        const volumes = this.createStorage(name, args.storage, childOpts);
        this.container = this.createContainer(name, args, image.imageId, networkName, volumes, childOpts);
        this.registerOutputs({});
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
        const resource = new docker.Network(
            `${name}-network`,
            { name: network.name, driver: "bridge", labels: [{ label: NETWORK_OWNER_LABEL, value: network.owner }] },
            // Ours but not in the state (a state lost or restored): take it over instead of failing on its name.
            { ...opts, import: existing?.id },
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
        const volume = new docker.Volume(`${name}-data`, { name: storage.volumeName }, { ...opts, retainOnDelete: true });
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
            `${name}-container`,
            {
                name: args.containerName,
                image: imageId,
                restart: "unless-stopped",
                user: args.storage.kind === "bindMount" ? args.storage.user : undefined,
                envs: [
                    `POSTGRES_USER=${args.adminUser}`,
                    // The stack creates its databases itself; the image only makes the admin's.
                    "POSTGRES_DB=postgres",
                    `PGDATA=${args.pgdata}`,
                    `POSTGRES_PASSWORD_FILE=${ADMIN_PASSWORD_FILE}`,
                ],
                // Readable by whichever user the image's entrypoint runs as (root, or the bind mount's).
                uploads: [{ file: ADMIN_PASSWORD_FILE, content: pulumi.secret(args.adminPassword), permissions: "0444" }],
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
                // The password file only seeds an empty data directory: a new password would replace the
                // container yet change nothing inside the server, so a password never touches it.
                ignoreChanges: ["uploads"],
            },
        );
    }
}
