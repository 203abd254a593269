/**
 * The upgrade's copy, with the stack's container stopped (the apps cannot write meanwhile): the old
 * image on the old data and the new image on new, empty data, privately; pg_dumpall → psql from one
 * to the other; then both are fingerprinted and must be equal. On any failure the new data is
 * removed (this attempt made it), and the stack's container is started again on its data, untouched.
 */
import { randomBytes } from "node:crypto";

import type { ClientConfig } from "pg";

import { CommandError } from "../../../shared/cli";
import { docker } from "../../../shared/docker";
import { withSession } from "../../../shared/pg-session";
import { attributeOptionNames, unsupportedOptions } from "../backup/attribute-options";
import { secondsSince } from "../backup/dump";
import type { StackServer } from "../backup/stack-server";
import { containerAction } from "../container-actions";
import { fingerprintDifferences, readFingerprint, type ServerFingerprint } from "./fingerprint";
import { createStorage, removeStorage, type RunningServer, type ServerSpec, startServer, stopServer } from "./throwaway";
import { transferAll } from "./transfer";
import { describeStorage, type UpgradePlan } from "./upgrade-plan";

/** Failed before the switch: the stack runs on its old data as before. */
export class UpgradeFailed extends CommandError {
    constructor(message: string) {
        super(message, 1);
    }
}

export interface CopyResult {
    fingerprint: ServerFingerprint;
    tables: number;
    rows: number;
    seconds: number;
}

const adminOf = (server: StackServer, running: RunningServer): ClientConfig => ({
    host: "127.0.0.1",
    port: running.port,
    user: server.config.adminUser,
    password: server.adminPassword,
    database: "postgres",
});

/** Column options in use in any database of a server. */
async function optionsInUse(admin: ClientConfig): Promise<string[]> {
    const databases = await withSession(admin, "hive-db-upgrade", async (client) =>
        (await client.query<{ name: string }>("SELECT datname AS name FROM pg_database WHERE datallowconn")).rows.map((row) => row.name),
    );
    const names = new Set<string>();
    for (const database of databases) {
        (await withSession({ ...admin, database }, "hive-db-upgrade", (client) => attributeOptionNames(client))).forEach((name) =>
            names.add(name),
        );
    }
    return [...names];
}

async function copyAndCompare(
    server: StackServer,
    old: RunningServer,
    neu: RunningServer,
    log: (line: string) => void,
): Promise<CopyResult> {
    const started = Date.now();
    const unsupported = await unsupportedOptions(adminOf(server, neu), await optionsInUse(adminOf(server, old)));
    if (unsupported.length > 0)
        log(`column option(s) ${unsupported.join(", ")} of the old server are unknown to the new one: left out (they hold no data)`);
    await transferAll(neu.tools, { oldHost: old.name, adminUser: server.config.adminUser, unsupportedOptions: unsupported, log });
    log(`copied with pg_dumpall | psql in ${secondsSince(started)} s; comparing every table, sequence, owner and role`);
    const [before, after] = [await readFingerprint(adminOf(server, old)), await readFingerprint(adminOf(server, neu))];
    const differences = fingerprintDifferences(before, after);
    if (differences.length > 0) {
        throw new UpgradeFailed(`the new server does not hold what the old one does:\n  - ${differences.slice(0, 20).join("\n  - ")}`);
    }
    const rows = Object.values(after.tables).reduce((total, state) => total + Number(state.split(" ")[0]), 0);
    log(
        `verified: ${Object.keys(after.tables).length} tables (${rows} rows), ${Object.keys(after.sequences).length} sequences, ${after.roles.length} roles equal`,
    );
    return { fingerprint: after, tables: Object.keys(after.tables).length, rows, seconds: secondsSince(started) };
}

export async function copyToNewServer(server: StackServer, plan: UpgradePlan, log: (line: string) => void): Promise<CopyResult> {
    const { container, adminUser } = server.config;
    const id = randomBytes(4).toString("hex");
    const network = `hive-db-upgrade-${id}`;
    const spec = (side: "old" | "new"): ServerSpec => ({
        name: `hive-db-upgrade-${id}-${side}`,
        image: side === "old" ? plan.from.image : plan.to.image,
        storage: side === "old" ? plan.from.storage : plan.to.storage,
        pgdata: container.pgdata,
        network,
        adminUser,
        adminPassword: server.adminPassword,
    });
    log(`stopping ${container.name}: the apps lose their connection until the upgrade ends`);
    await containerAction(container.name, "stop");
    let created = false;
    let failed = true;
    try {
        await docker(["network", "create", network]);
        const old = await startServer(spec("old"), false);
        log(`PostgreSQL ${plan.from.major} runs privately on ${describeStorage(plan.from.storage)}`);
        await createStorage(plan.to.storage);
        created = true;
        const neu = await startServer(spec("new"), true);
        log(`PostgreSQL ${plan.to.major} initialised ${describeStorage(plan.to.storage)}`);
        const result = await copyAndCompare(server, old, neu, log);
        failed = false;
        return result;
    } catch (error) {
        const reason = error instanceof UpgradeFailed ? error.message : `the copy failed: ${(error as Error).message}`;
        throw new UpgradeFailed(
            `${reason}\nnothing was changed: the stack keeps PostgreSQL ${plan.from.major} on ${describeStorage(plan.from.storage)}`,
        );
    } finally {
        await Promise.all([stopServer(spec("old").name), stopServer(spec("new").name)]);
        await docker(["network", "rm", network]).catch(() => undefined);
        if (failed) {
            if (created) await removeStorage(plan.to.storage, plan.to.image);
            log(`starting ${container.name} again on ${describeStorage(plan.from.storage)}, as it was`);
            await containerAction(container.name, "start").catch(() => undefined);
        }
    }
}
