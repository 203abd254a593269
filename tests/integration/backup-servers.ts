/**
 * Servers for the backup and restore tests where no Pulumi engine is needed: a container of the
 * local image with the stack's own database layer (tests/fixtures/stack-plan.ts), seen by the
 * backup code as a stack's server (its container runs the tools), and each mode's app data written
 * through the mode's own URL, as the apps write it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { ClientConfig } from "pg";

import type { StackServer } from "../../src/commands/db/backup/stack-server";
import type { StackOutputs } from "../../src/stack/model/outputs";
import { parseLibpqUrl } from "../../src/commands/verify/targets";
import { configOf } from "../fixtures/configs";
import { legacyDataSql } from "../fixtures/legacy";
import { outputsFor, stackSteps } from "../fixtures/stack-plan";
import {
    IMAGE,
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

export interface TestServer {
    name: string;
    server: StackServer;
    outputs: StackOutputs;
    /** A mode role's own connection. */
    as(mode: string): ClientConfig;
    /** The admin's connection to a database. */
    admin(database?: string): ClientConfig;
    dispose(): Promise<void>;
}

/** Starts a server of `image` with the stack's layout (default config) as stack `stackName`. */
export async function startStackServer(stackName: string, image = IMAGE): Promise<TestServer> {
    const name = uniqueName(`backup-${stackName}`);
    const adminPassword = randomPassword({ special: true });
    const port = await startPostgres({ name, volume: name, env: { POSTGRES_USER: "hive_admin", POSTGRES_PASSWORD: adminPassword }, image });
    await waitHealthy(name);
    const config = configOf({ container: { name, hostPort: port, image } });
    const { resolveLayout } = await import("../../src/stack/model/layout");
    const layout = resolveLayout(config);
    const passwords = Object.fromEntries(layout.modes.map((mode) => [mode.name, randomPassword({ special: true })]));
    for (const step of stackSteps(layout, passwords)) {
        await withClient(tcpConfig(port, "hive_admin", adminPassword, step.database), (client) => client.query(step.sql));
    }
    const outputs = outputsFor(layout, { host: "127.0.0.1", port }, passwords);
    const libpq = { PGHOST: "127.0.0.1", PGPORT: "5432", PGUSER: "hive_admin", PGSSLMODE: "disable" };
    const server: StackServer = {
        stackName,
        config,
        layout,
        admin: tcpConfig(port, "hive_admin", adminPassword, "postgres"),
        adminPassword,
        tools: { container: name, libpq, password: adminPassword, describe: `in container ${name}`, dispose: async () => undefined },
    };
    return {
        name,
        server,
        outputs,
        as: (mode) => parseLibpqUrl(outputs.libpqUrls[mode]),
        admin: (database = "hive") => tcpConfig(port, "hive_admin", adminPassword, database),
        dispose: async () => {
            await removeContainer(name);
            await removeVolume(name);
        },
    };
}

/** An app's tables in the mode's first schema, written as the mode's role: vectors with HNSW, an enum, a view, a function. */
export async function writeAppData(target: TestServer, mode: string, documents: number): Promise<void> {
    const schema = target.outputs.schemas[mode][0];
    const sql = legacyDataSql(schema, documents).replace("CREATE EXTENSION IF NOT EXISTS vector;", "");
    await withClient(target.as(mode), async (client) => {
        await client.query(sql);
        await client.query(`CREATE VIEW ${schema}.busy_metrics AS SELECT id, name FROM ${schema}.metrics WHERE mood = 'busy'`);
        await client.query(
            `CREATE FUNCTION ${schema}.document_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM ${schema}.documents'`,
        );
    });
}

export interface BackupContext {
    first: TestServer;
    second: TestServer;
    /** A temporary directory, removed afterwards. */
    work: string;
    lines: string[];
    log: (line: string) => void;
}

/** Registers hooks starting two stack servers (agent and genie data on the first) and removing them. */
export function useBackupServers(): BackupContext {
    const context = { work: mkdtempSync(join(tmpdir(), "hive-backup-")), lines: [] as string[] } as BackupContext;
    context.log = (line) => context.lines.push(line);
    before(async function () {
        await requireDockerOrSkip(this);
        [context.first, context.second] = await Promise.all([startStackServer("first"), startStackServer("second")]);
        await writeAppData(context.first, "agent", 2000);
        await writeAppData(context.first, "genie", 300);
    });
    after(async () => {
        await Promise.all([context.first?.dispose(), context.second?.dispose()]);
        rmSync(context.work, { recursive: true, force: true });
    });
    return context;
}
