/**
 * One home for every naming and derivation rule: config validation, the layout and the components
 * all ask here, so a rule cannot be computed two ways.
 */
import { isIP } from "net";
import type { ContainerConfig, HiveDbConfig, ModeConfig } from "../config/schema";

/** Prefix of every logical resource name (`hive-database-role-agent`). Names are API: renaming replaces. */
export const RESOURCE_PREFIX = "hive";

/** Addresses that bind every interface: clients on this machine dial loopback instead. */
const WILDCARD_ADDRESSES = new Set(["0.0.0.0", "::"]);

/** The API port a mode's app listens on: explicit, else prefix digit + base, else base. */
export function apiPortFor(mode: ModeConfig, basePort: number): number {
    if (mode.apiPort !== undefined) {
        return mode.apiPort;
    }
    return mode.apiPortPrefix === undefined ? basePort : Number(`${mode.apiPortPrefix}${basePort}`);
}

/** The config key that decided a mode's API port, for error messages. */
export function apiPortKeyFor(modeName: string, mode: ModeConfig): string {
    if (mode.apiPort !== undefined) return `modes.${modeName}.apiPort`;
    if (mode.apiPortPrefix !== undefined) return `modes.${modeName}.apiPortPrefix`;
    return `apiBasePort (mode ${modeName})`;
}

export function roleNameFor(modeName: string, mode: ModeConfig): string {
    return mode.role ?? `hive_${modeName}`;
}

export function databaseFor(config: Pick<HiveDbConfig, "database">, mode: ModeConfig): string {
    return mode.database ?? config.database;
}

/** Every database the stack manages, the main one first. */
export function managedDatabases(config: Pick<HiveDbConfig, "database" | "modes">): string[] {
    return [...new Set([config.database, ...Object.values(config.modes).map((mode) => databaseFor(config, mode))])];
}

/**
 * The `.env` variable of a reader's URL for another database: `HIVE_READ_DATABASE_URL_` + the
 * database name upper-cased. Database names are validated identifiers (`[a-z_][a-z0-9_]*`), so the
 * result is a valid variable name and distinct databases give distinct names.
 */
export function readUrlEnvKey(database: string): string {
    return `${READ_URL_ENV_PREFIX}${database.toUpperCase()}`;
}

export const READ_URL_ENV_PREFIX = "HIVE_READ_DATABASE_URL_";

/** The named volume holding PGDATA. */
export function volumeNameFor(container: Pick<ContainerConfig, "name" | "volume">): string {
    return container.volume ?? `${container.name}-data`;
}

/** 127.0.0.0/8 or ::1; `address` is already known to be an IP literal. */
export function isLoopback(address: string): boolean {
    return isIP(address) === 4 ? address.startsWith("127.") : address === "::1";
}

/** Whether a server host (name or IP literal) is this machine: its port is then taken here too. */
export function isLocalHost(host: string): boolean {
    if (isIP(host) !== 0) return isLoopback(host);
    const name = host.toLowerCase().replace(/\.$/, "");
    return name === "localhost" || name.endsWith(".localhost");
}

/** The host a client on this machine dials to reach the container's published port. */
export function containerDialHost(container: Pick<ContainerConfig, "bindAddress">): string {
    return WILDCARD_ADDRESSES.has(container.bindAddress) ? "127.0.0.1" : container.bindAddress;
}

/** `UID:GID` for a bind-mounted data directory: the configured one, else the user running Pulumi. */
export function bindMountUser(container: Pick<ContainerConfig, "user">, hostIds: () => { uid: number; gid: number }): string {
    if (container.user !== undefined) {
        return container.user;
    }
    const { uid, gid } = hostIds();
    return `${uid}:${gid}`;
}
