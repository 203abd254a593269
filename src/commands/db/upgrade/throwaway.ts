/**
 * The upgrade's two private servers: the old image on the old data, the new image on a new, empty
 * volume or directory (initialised with the stack's admin), on a network of their own, published
 * only on a random port of 127.0.0.1 (no app reaches them). Stopped cleanly and removed afterwards;
 * the data stays where it is.
 */
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";

import { docker } from "../../../shared/docker";
import { mountArgument } from "../../../shared/postgres-image";
import { healthcheckTest } from "../../../stack/model/server-process";
import type { ToolHost } from "../backup/tools";
import { containerState } from "../container-actions";
import { describeStorage, type Storage } from "./upgrade-plan";

export interface ServerSpec {
    name: string;
    image: string;
    storage: Storage;
    pgdata: string;
    network: string;
    adminUser: string;
    adminPassword: string;
}

export interface RunningServer {
    name: string;
    port: number;
    /** Its own client tools, reaching it over its loopback. */
    tools: ToolHost;
}

export function storageExists(storage: Storage): Promise<boolean> {
    if (storage.kind === "directory") return Promise.resolve(existsSync(storage.hostPath) && readdirSync(storage.hostPath).length > 0);
    return docker(["volume", "inspect", storage.volume]).then(
        () => true,
        () => false,
    );
}

/** A new, empty home for the new data: a volume, or a 0700 directory owned by the user the server runs as. */
export async function createStorage(storage: Storage): Promise<void> {
    if (storage.kind === "volume") {
        await docker(["volume", "create", storage.volume]);
        return;
    }
    mkdirSync(storage.hostPath, { recursive: true, mode: 0o700 });
    const [uid, gid] = storage.user.split(":").map(Number);
    if (process.getuid?.() === 0) chownSync(storage.hostPath, uid, gid);
}

/** Removes the new data after a failed attempt: it was created by this attempt and holds nothing else. */
export async function removeStorage(storage: Storage, image: string): Promise<void> {
    if (storage.kind === "volume") {
        await docker(["volume", "rm", "--force", storage.volume]).catch(() => undefined);
        return;
    }
    // The files belong to the server's user: emptied by a root container of the image, then the directory goes.
    const empty = ["run", "--rm", "--network", "none", "--user", "0:0", "-v", `${storage.hostPath}:/gone`, "--entrypoint", "sh", image];
    await docker([...empty, "-c", "rm -rf /gone/* /gone/.[!.]*"]).catch(() => undefined);
    rmSync(storage.hostPath, { recursive: true, force: true });
}

async function waitReady(server: ServerSpec, timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        // The stack's own healthcheck, without Docker's "CMD".
        const ready = await docker(["exec", server.name, ...healthcheckTest(server.adminUser).slice(1)]).then(
            () => true,
            () => false,
        );
        if (ready) return;
        const { status } = await containerState(server.name);
        if (status !== "running" || Date.now() > deadline) {
            const logs = await docker(["logs", "--tail", "15", server.name]).catch(() => "");
            throw new Error(
                `the server ${server.name} (${server.image} on ${describeStorage(server.storage)}) did not start (${status}):\n${logs}`,
            );
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
    }
}

/** Starts a server; `initialise`: an empty data directory gets the stack's admin (the image's first start). */
export async function startServer(server: ServerSpec, initialise: boolean): Promise<RunningServer> {
    const env: Record<string, string> = { PGDATA: server.pgdata, POSTGRES_USER: server.adminUser, POSTGRES_DB: "postgres" };
    if (initialise) env.POSTGRES_PASSWORD = server.adminPassword;
    await docker(
        [
            "run",
            "--detach",
            "--name",
            server.name,
            "--network",
            server.network,
            "--publish",
            "127.0.0.1::5432",
            "--volume",
            mountArgument(server.storage),
            ...(server.storage.kind === "directory" ? ["--user", server.storage.user] : []),
            ...Object.keys(env).flatMap((key) => ["--env", key]),
            server.image,
            "postgres",
        ],
        { env },
    );
    await waitReady(server);
    const port = Number((await docker(["port", server.name, "5432/tcp"])).split("\n")[0].split(":").pop());
    const libpq = { PGHOST: "127.0.0.1", PGPORT: "5432", PGUSER: server.adminUser, PGSSLMODE: "disable" };
    return {
        name: server.name,
        port,
        tools: { container: server.name, libpq, password: server.adminPassword, describe: `in ${server.name}` },
    };
}

/** A clean shutdown (the data directory is left consistent), then the container goes. */
export async function stopServer(name: string): Promise<void> {
    await docker(["stop", "--time", "120", name]).catch(() => undefined);
    await docker(["rm", "--force", name]).catch(() => undefined);
}
