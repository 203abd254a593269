/**
 * A stack's server as backup, restore and upgrade reach it: the admin's connection from this
 * machine, and where PostgreSQL's client tools run. With the stack's own container the tools are
 * the container's own (the server's exact version). With an existing server (hive-db:server) a
 * helper container of a matching image runs them on the host's network: by default the local image
 * of the server's major (`hive-db/pgvector:<major>`, image/build-image.sh --major N), or
 * `--client-image`, which must be that major or newer (pg_dump refuses newer servers).
 */
import { randomBytes } from "node:crypto";
import { isAbsolute } from "node:path";

import type { Stack } from "@pulumi/pulumi/automation";
import type { ClientConfig } from "pg";

import { CommandError } from "../../../shared/cli";
import { docker, requireDocker } from "../../../shared/docker";
import { withSession } from "../../../shared/pg-session";
import { localImageMajor } from "../../../shared/postgres-image";
import type { HiveDbConfig } from "../../../stack/config";
import { type Layout, resolveLayout } from "../../../stack/model/layout";
import { containerDialHost } from "../../../stack/model/naming";
import { clientConfigFor } from "../../../stack/model/urls";
import { stackConfig } from "../../common/stack-config";
import { containerState } from "../container-actions";
import type { ToolHost } from "./tools";

export const ADMIN_PASSWORD_KEY = "hive-db:adminPassword";

export interface StackServer {
    stackName: string;
    config: HiveDbConfig;
    layout: Layout;
    /** The admin's connection from this machine, to the maintenance database. */
    admin: ClientConfig;
    adminPassword: string;
    /** Where the client tools run; `dispose` removes a helper container. */
    tools: ToolHost & { dispose(): Promise<void> };
}

/** The admin password from the stack's secret config, through the Automation API (never a command line). */
export async function adminPasswordOf(stack: Stack): Promise<string> {
    const value = await stack.getConfig(ADMIN_PASSWORD_KEY).catch(() => undefined);
    if (value === undefined || value.value === "") throw new CommandError(`stack ${stack.name} has no ${ADMIN_PASSWORD_KEY}`);
    return value.value;
}

function adminConnection(config: HiveDbConfig, password: string): ClientConfig {
    const user = config.adminUser;
    if (config.server === undefined) {
        const host = containerDialHost(config.container);
        return clientConfigFor({ host, port: config.container.hostPort, user, password, database: "postgres", sslmode: "disable" });
    }
    const { host, port, sslmode, sslrootcert, maintenanceDatabase } = config.server;
    return clientConfigFor({ host, port, user, password, database: maintenanceDatabase, sslmode, sslrootcert });
}

async function containerTools(stack: Stack, config: HiveDbConfig, password: string): Promise<StackServer["tools"]> {
    const name = config.container.name;
    const state = await containerState(name);
    if (state.status !== "running") {
        throw new CommandError(
            `the container ${name} of stack ${stack.name} is ${state.status}: start it first (npm run db -- start, or npm run up)`,
        );
    }
    const libpq = { PGHOST: "127.0.0.1", PGPORT: "5432", PGUSER: config.adminUser, PGSSLMODE: "disable" };
    return { container: name, libpq, password, describe: `in the stack's container ${name}`, dispose: async () => undefined };
}

async function serverMajor(admin: ClientConfig): Promise<number> {
    const num = await withSession(admin, "hive-db-backup", async (client) => (await client.query("SHOW server_version_num")).rows[0]);
    return Math.floor(Number((num as { server_version_num: string }).server_version_num) / 10_000);
}

async function helperTools(
    config: HiveDbConfig,
    admin: ClientConfig,
    password: string,
    clientImage?: string,
): Promise<StackServer["tools"]> {
    const server = config.server as NonNullable<HiveDbConfig["server"]>;
    const major = await serverMajor(admin);
    const image = clientImage ?? `hive-db/pgvector:${major}`;
    const imageMajor = localImageMajor(image);
    if (imageMajor === undefined) {
        throw new CommandError(
            `the server runs PostgreSQL ${major} and its client tools come from image ${image}, which is not on this Docker engine: ` +
                `build it (sudo bash image/build-image.sh --major ${major}) or name one with --client-image IMAGE`,
        );
    }
    if (imageMajor < major) throw new CommandError(`--client-image ${image} has PostgreSQL ${imageMajor} tools: the server runs ${major}`);
    const name = `hive-db-tools-${randomBytes(4).toString("hex")}`;
    const certificate =
        server.sslrootcert !== undefined && isAbsolute(server.sslrootcert) ? ["-v", `${server.sslrootcert}:${server.sslrootcert}:ro`] : [];
    await docker([
        "run",
        "--detach",
        "--rm",
        "--name",
        name,
        "--network",
        "host",
        ...certificate,
        "--entrypoint",
        "sleep",
        image,
        "infinity",
    ]);
    const libpq: Record<string, string> = {
        PGHOST: server.host,
        PGPORT: String(server.port),
        PGUSER: config.adminUser,
        PGSSLMODE: server.sslmode,
    };
    if (server.sslrootcert !== undefined) libpq.PGSSLROOTCERT = server.sslrootcert;
    return {
        container: name,
        libpq,
        password,
        describe: `in a helper container of ${image} (PostgreSQL ${imageMajor} tools)`,
        dispose: () => docker(["rm", "--force", name]).then(() => undefined),
    };
}

/** The stack's server; refuses a stack whose container is not running, or a machine without Docker. */
export async function stackServer(stack: Stack, options: { clientImage?: string } = {}): Promise<StackServer> {
    const config = await stackConfig(stack);
    await requireDocker();
    const adminPassword = await adminPasswordOf(stack);
    const admin = adminConnection(config, adminPassword);
    if (config.server === undefined && options.clientImage !== undefined) {
        throw new CommandError("--client-image is for a stack on an existing server: the stack's container has its own tools");
    }
    const tools =
        config.server === undefined
            ? await containerTools(stack, config, adminPassword)
            : await helperTools(config, admin, adminPassword, options.clientImage);
    return { stackName: stack.name, config, layout: resolveLayout(config), admin, adminPassword, tools };
}
