/**
 * What `docker inspect` says about an existing PostgreSQL container (the Makefile era's
 * `hive-postgres`, seed 003's compose service): where its data lives, who it runs as, its port,
 * network and server flags. Pure: `parseInspection` takes the inspect JSON.
 */
import * as path from "node:path";

import { DATA_MOUNT_PATH } from "../../stack/model/server-process";
import { CommandError } from "../../shared/cli";

/** The image's default PGDATA when the container sets none (the official image's). */
const DEFAULT_PGDATA = DATA_MOUNT_PATH;
/** Networks every container can be on without anyone creating them. */
const DOCKER_DEFAULT_NETWORKS = new Set(["bridge", "host", "none"]);

export type LegacyStorage = { kind: "bindMount"; hostPath: string } | { kind: "volume"; volumeName: string };

export interface LegacyContainer {
    name: string;
    /** The image reference the container was started from (`agnohq/pgvector:16`). */
    image: string;
    running: boolean;
    status: string;
    /** `--user` it runs as (compose's `${POSTGRES_UID}:${POSTGRES_GID}`), when set. */
    user?: string;
    /** Its environment. Holds POSTGRES_PASSWORD: never print it. */
    env: Readonly<Record<string, string>>;
    /** PGDATA inside the container. */
    pgdata: string;
    /** The bind mount or volume holding PGDATA, and where it is mounted. */
    storage: LegacyStorage;
    mountPath: string;
    /** PGDATA as the stack's container sees it, with the same storage mounted at DATA_MOUNT_PATH. */
    stackPgdata: string;
    /** Published host address of 5432/tcp: the live one while it runs, else the configured one. */
    port?: { hostIp: string; hostPort: number };
    /** User-defined networks it is on (compose's `app_network`). */
    networks: string[];
    /** `postgres -c name=value` flags of its command. */
    serverFlags: Record<string, string>;
    restartPolicy: string;
    /** The compose project that made it, if any: `docker compose up` there would start it again. */
    composeProject?: string;
}

export class LegacyContainerError extends CommandError {}

export interface Binding {
    HostIp?: string;
    HostPort?: string;
}

export interface Inspection {
    Name: string;
    State: { Status: string; Running: boolean };
    Config: { Image: string; User?: string; Env?: string[] | null; Cmd?: string[] | null; Labels?: Record<string, string> | null };
    HostConfig: { PortBindings?: Record<string, Binding[] | null> | null; RestartPolicy?: { Name?: string } };
    Mounts?: Array<{ Type: string; Source?: string; Name?: string; Destination: string }> | null;
    NetworkSettings?: { Ports?: Record<string, Binding[] | null> | null; Networks?: Record<string, unknown> | null };
}

function envMap(env: readonly string[]): Record<string, string> {
    return Object.fromEntries(env.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]));
}

/** `-c name=value` and `-cname=value` pairs of a postgres command line. */
export function serverFlagsOf(command: readonly string[]): Record<string, string> {
    const flags: Record<string, string> = {};
    for (let index = 0; index < command.length; index += 1) {
        const setting = command[index] === "-c" ? command[(index += 1)] : command[index].startsWith("-c") ? command[index].slice(2) : "";
        const separator = setting?.indexOf("=") ?? -1;
        if (separator > 0) flags[setting.slice(0, separator)] = setting.slice(separator + 1);
    }
    return flags;
}

/** The mount PGDATA lives on: the one with the longest destination that contains it. */
function dataMount(mounts: NonNullable<Inspection["Mounts"]>, pgdata: string) {
    const holding = mounts.filter((mount) => pgdata === mount.Destination || pgdata.startsWith(mount.Destination.replace(/\/$/, "") + "/"));
    return holding.sort((a, b) => b.Destination.length - a.Destination.length)[0];
}

function publishedPort(inspection: Inspection): LegacyContainer["port"] {
    const live = inspection.NetworkSettings?.Ports?.["5432/tcp"] ?? [];
    const configured = inspection.HostConfig.PortBindings?.["5432/tcp"] ?? [];
    const binding = [...live, ...configured].find((candidate) => /^\d+$/.test(candidate.HostPort ?? ""));
    return binding ? { hostIp: binding.HostIp ?? "", hostPort: Number(binding.HostPort) } : undefined;
}

/** Parses one element of `docker inspect <container>`; throws LegacyContainerError when its data cannot be adopted. */
export function parseInspection(inspection: Inspection): LegacyContainer {
    const name = inspection.Name.replace(/^\//, "");
    const env = envMap(inspection.Config.Env ?? []);
    const pgdata = path.posix.normalize(env.PGDATA ?? DEFAULT_PGDATA);
    const mount = dataMount(inspection.Mounts ?? [], pgdata);
    if (mount === undefined) {
        throw new LegacyContainerError(
            `container ${name} keeps PGDATA (${pgdata}) inside the container, on no volume or bind mount: ` +
                "its data would be lost with it. Copy it out first (docker cp) and mount it.",
        );
    }
    const storage: LegacyStorage | undefined =
        mount.Type === "bind" && mount.Source
            ? { kind: "bindMount", hostPath: mount.Source }
            : mount.Type === "volume" && mount.Name
              ? { kind: "volume", volumeName: mount.Name }
              : undefined;
    if (storage === undefined) {
        throw new LegacyContainerError(`container ${name}: PGDATA is on a ${mount.Type} mount, which the stack cannot mount`);
    }
    const networks = Object.keys(inspection.NetworkSettings?.Networks ?? {}).filter((network) => !DOCKER_DEFAULT_NETWORKS.has(network));
    return {
        name,
        image: inspection.Config.Image,
        running: inspection.State.Running,
        status: inspection.State.Status,
        user: inspection.Config.User ? inspection.Config.User : undefined,
        env,
        pgdata,
        storage,
        mountPath: mount.Destination,
        stackPgdata: path.posix.join(DATA_MOUNT_PATH, path.posix.relative(mount.Destination, pgdata)),
        port: publishedPort(inspection),
        networks,
        serverFlags: serverFlagsOf(inspection.Config.Cmd ?? []),
        restartPolicy: inspection.HostConfig.RestartPolicy?.Name ?? "no",
        composeProject: inspection.Config.Labels?.["com.docker.compose.project"],
    };
}
