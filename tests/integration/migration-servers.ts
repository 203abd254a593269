/**
 * The servers of the migration tests: two legacy per-mode servers as the seeds describe them (the
 * agent's and the genie's, each with its own `hive` database and tables in `public`), and a shared
 * server with the stack's own database layer (tests/fixtures/stack-plan.ts) to migrate into.
 */
import type { ClientConfig } from "pg";

import type { MigrateOptions } from "../../src/commands/migrate/migrate-database";
import type { StackOutputs } from "../../src/stack/model/outputs";
import { parseLibpqUrl } from "../../src/commands/verify/targets";
import { DEFAULT_CONFIG, layoutOf } from "../fixtures/configs";
import { LEGACY_DATABASE, LEGACY_USER, legacyDataSql, startLegacyContainer } from "../fixtures/legacy";
import { outputsFor, stackSteps } from "../fixtures/stack-plan";
import {
    randomPassword,
    removeContainer,
    removeVolume,
    requireDockerOrSkip,
    startPostgres,
    tcpConfig,
    uniqueName,
    waitHealthy,
    withClient,
} from "./helpers";

export const LAYOUT = layoutOf(DEFAULT_CONFIG);

export interface LegacyServer {
    name: string;
    port: number;
    password: string;
    /** The admin's connection to its `hive` database. */
    connection(): ClientConfig;
}

export interface MigrationServers {
    agent: LegacyServer;
    genie: LegacyServer;
    /** The shared server's stack outputs (mode URLs), and the admin's connection to `hive`. */
    outputs: StackOutputs;
    admin(): ClientConfig;
    /** A mode role's own connection, from its URL. */
    as(mode: string): ClientConfig;
}

function legacyServer(purpose: string): LegacyServer {
    const server: LegacyServer = {
        name: uniqueName(purpose),
        port: 0,
        password: randomPassword({ special: true }),
        connection: () => tcpConfig(server.port, LEGACY_USER, server.password, LEGACY_DATABASE),
    };
    return server;
}

async function startLegacy(server: LegacyServer, documents: number): Promise<void> {
    server.port = await startLegacyContainer({ name: server.name, mount: { volume: server.name }, password: server.password });
    await withClient(server.connection(), (client) => client.query(legacyDataSql("public", documents)));
}

/** Registers hooks that start the three servers (in parallel) and remove them. */
export function useMigrationServers(): MigrationServers {
    const target = { name: uniqueName("shared"), port: 0, password: randomPassword() };
    const passwords = Object.fromEntries(LAYOUT.modes.map((mode) => [mode.name, randomPassword({ special: true })]));
    const servers: MigrationServers = {
        agent: legacyServer("legacy-agent"),
        genie: legacyServer("legacy-genie"),
        outputs: undefined as unknown as StackOutputs,
        admin: () => tcpConfig(target.port, "hive_admin", target.password, "hive"),
        as: (mode) => parseLibpqUrl(servers.outputs.libpqUrls[mode]),
    };
    before(async function () {
        await requireDockerOrSkip(this);
        const shared = async () => {
            target.port = await startPostgres({
                name: target.name,
                volume: target.name,
                env: { POSTGRES_USER: "hive_admin", POSTGRES_PASSWORD: target.password },
            });
            await waitHealthy(target.name);
            for (const step of stackSteps(LAYOUT, passwords)) {
                await withClient(tcpConfig(target.port, "hive_admin", target.password, step.database), (client) => client.query(step.sql));
            }
            servers.outputs = outputsFor(LAYOUT, { host: "127.0.0.1", port: target.port }, passwords);
        };
        await Promise.all([startLegacy(servers.agent, 1000), startLegacy(servers.genie, 300), shared()]);
    });
    after(async () => {
        for (const name of [servers.agent.name, servers.genie.name, target.name]) {
            await removeContainer(name);
            await removeVolume(name);
        }
    });
    return servers;
}

/** Migration options from a legacy server into a mode of the shared one, logging into `lines`. */
export function optionsFor(servers: MigrationServers, legacy: LegacyServer, mode: string, lines: string[] = []): MigrateOptions {
    return {
        source: legacy.connection(),
        target: servers.as(mode),
        modeSchemas: servers.outputs.schemas[mode],
        dryRun: false,
        log: (line) => lines.push(line),
        progressIntervalMs: 0,
    };
}
