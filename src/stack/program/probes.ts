/**
 * What the program learns about the world before it declares resources: which of the stack's
 * databases and roles already exist on the server (kept by `pulumi destroy`, or made outside the
 * stack) and whether the configured Docker network exists and whose it is. Read-only: nothing here
 * changes anything. Tests under Pulumi's mocks swap the probes with `setProbes`.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

import { withSession } from "../../shared/pg-session";
import { type DataMount, dataDirectoryMajor, localImageMajor, runsImage } from "../../shared/postgres-image";
import type { ServerFacts } from "../model/server-facts";
import { clientConfigFor, type SslMode } from "../model/urls";
import { readServerFacts } from "./server-facts";

const run = promisify(execFile);

/** How the admin reaches the server, with the password in clear (never logged). */
export interface AdminCredentials {
    host: string;
    port: number;
    user: string;
    password: string;
    database: string;
    sslmode: SslMode;
    sslrootcert?: string;
}

export type ServerInventory =
    | { reachable: true; databases: ReadonlySet<string>; roles: ReadonlySet<string>; facts: ServerFacts }
    | { reachable: false; reason: string; code?: string };

export interface Wanted {
    databases: string[];
    roles: string[];
}

export interface NetworkInfo {
    id: string;
    labels: Readonly<Record<string, string>>;
}

/** The container's image and its data, as the config names them. */
export interface DataLocation {
    image: string;
    /** The stack's container: read through it when it runs on the same volume. */
    container: string;
    pgdata: string;
    mount: DataMount;
}

/** PostgreSQL majors of the image and of the data directory; undefined where unknown (no local image, no data yet). */
export interface MajorVersions {
    image?: number;
    data?: number;
}

export interface Probes {
    /**
     * Which of `databases` and `roles` exist on the server, and what the admin may do there;
     * retries a server that is still starting (refused, or "starting up") for up to `patienceSeconds`.
     */
    server(admin: AdminCredentials, wanted: Wanted, patienceSeconds: number): Promise<ServerInventory>;
    /** The Docker network of that name, or undefined when there is none (or no Docker CLI answers). */
    network(name: string): Promise<NetworkInfo | undefined>;
    /** Which major the configured image runs and which wrote the data it would start on (synchronous: asked while the program loads). */
    majors(location: DataLocation): MajorVersions;
}

/**
 * How long a failed probe is worth repeating: a server still starting refuses with "starting up", or
 * Docker's port proxy accepts and drops the connection ("terminated unexpectedly"). Nothing listening
 * at all (refused) usually means no container: only a short wait. Anything else (a wrong password)
 * will not change by waiting.
 */
function retrySeconds(inventory: ServerInventory, patienceSeconds: number): number {
    if (inventory.reachable) return 0;
    if (inventory.code === "ECONNREFUSED") return Math.min(patienceSeconds, 10);
    const starting = ["ECONNRESET", "57P03"].includes(inventory.code ?? "") || /terminated unexpectedly/i.test(inventory.reason);
    return starting ? patienceSeconds : 0;
}

async function probeServer(admin: AdminCredentials, wanted: Wanted, patienceSeconds: number): Promise<ServerInventory> {
    const started = Date.now();
    for (;;) {
        const inventory = await probeOnce(admin, wanted);
        if (Date.now() - started >= retrySeconds(inventory, patienceSeconds) * 1000) return inventory;
        await new Promise((resolve) => setTimeout(resolve, 500));
    }
}

async function probeOnce(admin: AdminCredentials, wanted: Wanted): Promise<ServerInventory> {
    try {
        const config = { ...clientConfigFor(admin), connectionTimeoutMillis: 5_000, query_timeout: 10_000 };
        return await withSession(config, "hive-db-program", async (client): Promise<ServerInventory> => {
            const databases = await client.query<{ name: string }>("SELECT datname AS name FROM pg_database WHERE datname = ANY($1)", [
                wanted.databases,
            ]);
            const roles = await client.query<{ name: string }>("SELECT rolname AS name FROM pg_roles WHERE rolname = ANY($1)", [
                wanted.roles,
            ]);
            return {
                reachable: true,
                databases: new Set(databases.rows.map((row) => row.name)),
                roles: new Set(roles.rows.map((row) => row.name)),
                facts: await readServerFacts(client, wanted.roles),
            };
        });
    } catch (error) {
        const { message, code } = error as { message?: string; code?: string };
        return { reachable: false, reason: message ?? String(error), code };
    }
}

async function probeNetwork(name: string): Promise<NetworkInfo | undefined> {
    try {
        const { stdout } = await run("docker", ["network", "inspect", "--format", "{{json .}}", name], { timeout: 20_000 });
        const network = JSON.parse(stdout) as { Id: string; Labels: Record<string, string> | null };
        return { id: network.Id, labels: network.Labels ?? {} };
    } catch {
        return undefined;
    }
}

function probeMajors(location: DataLocation): MajorVersions {
    // The stack's container already runs this very image on its data: the same major, nothing to read.
    if (runsImage(location.container, location.image)) return {};
    const image = localImageMajor(location.image);
    // Without the image's major there is nothing to compare with: the data is not read.
    if (image === undefined) return {};
    return { image, data: dataDirectoryMajor(location.mount, location.pgdata, location) };
}

/** The probes that look at the real server and Docker engine (the integration tests call them directly). */
export const REAL_PROBES: Probes = { server: probeServer, network: probeNetwork, majors: probeMajors };

let probes: Probes = REAL_PROBES;

export function currentProbes(): Probes {
    return probes;
}

/** For tests under Pulumi's mocks, which have no server or Docker engine to look at. */
export function setProbes(replacement: Probes): void {
    probes = replacement;
}
