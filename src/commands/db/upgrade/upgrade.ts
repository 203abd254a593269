/**
 * `npm run db -- upgrade --image IMAGE`: backup → new data → new server → copy → verify → switch.
 * Dump and restore (pg_dumpall of the new version into a freshly initialised server), not
 * pg_upgrade: each image carries one PostgreSQL version, pg_upgrade needs both in one place, and a
 * logical copy is checked table by table. The old data is never written: it stays, named, and
 * `upgrade --back` returns to it.
 */
import type { Stack } from "@pulumi/pulumi/automation";

import { secondsSince } from "../backup/dump";
import { backupStack } from "../backup/stack-backup";
import { stackServer } from "../backup/stack-server";
import { copyToNewServer, UpgradeFailed } from "./copy";
import { fingerprintDifferences, readFingerprint } from "./fingerprint";
import { writeRecord } from "./records";
import { stackConfig } from "../../common/stack-config";
import { containerAction } from "../container-actions";
import { ConfigNotWritten, switchStack, verifyNow } from "./switch";
import { planFor } from "./upgrade-facts";
import { configFor, describeStorage, type UpgradePlan, type UpgradeRecord } from "./upgrade-plan";

export interface UpgradeRequest {
    image: string;
    /** false: --no-backup. */
    backupFirst: boolean;
    log: (line: string) => void;
    onOutput?: (text: string) => void;
}

export interface UpgradeReport {
    plan: UpgradePlan;
    backup?: string;
    record: string;
    tables: number;
    rows: number;
    seconds: { backup: number; copy: number; switch: number; total: number };
}

const BACK = "npm run db -- upgrade --back";

export async function upgradeStack(stack: Stack, request: UpgradeRequest): Promise<UpgradeReport> {
    const started = Date.now();
    const server = await stackServer(stack);
    try {
        const { plan, configBefore } = await planFor(stack, server, request.image);
        request.log(
            `upgrade: PostgreSQL ${plan.from.major} (${plan.from.image}, ${describeStorage(plan.from.storage)}) → ${plan.to.major} (${plan.to.image}, ${describeStorage(plan.to.storage)})`,
        );
        let backup: string | undefined;
        const backupStarted = Date.now();
        if (request.backupFirst)
            backup = (await backupStack(server, { kind: "all", names: [] }, { reason: "before upgrade", log: request.log })).directory;
        else request.log("--no-backup: no backup first (the old data is kept all the same)");
        const backupSeconds = secondsSince(backupStarted);
        const copy = await copyToNewServer(server, plan, request.log);
        const record: UpgradeRecord = {
            stack: stack.name,
            at: new Date().toISOString(),
            from: plan.from,
            to: plan.to,
            configBefore,
            backup,
        };
        const recordPath = writeRecord(record);
        const switchStarted = Date.now();
        await switchOrExplain(
            stack,
            configFor(plan.to, configBefore),
            request,
            `${describeStorage(plan.from.storage)} is untouched; go back with ${BACK}`,
        );
        const after = await readFingerprint(server.admin);
        const differences = fingerprintDifferences(copy.fingerprint, after);
        if (differences.length > 0)
            throw new UpgradeFailed(
                `after the switch the stack's server differs from the copy:\n  - ${differences.slice(0, 20).join("\n  - ")}\ngo back with ${BACK}`,
            );
        const seconds = { backup: backupSeconds, copy: copy.seconds, switch: secondsSince(switchStarted), total: secondsSince(started) };
        return { plan, backup, record: recordPath, tables: copy.tables, rows: copy.rows, seconds };
    } finally {
        await server.tools.dispose();
    }
}

/** The switch and `npm run verify`; a failure says what is safe and how to go back. */
export async function switchOrExplain(
    stack: Stack,
    wanted: Parameters<typeof switchStack>[1],
    request: UpgradeRequest,
    safe: string,
): Promise<void> {
    try {
        await switchStack(stack, wanted, { log: request.log, onOutput: request.onOutput });
    } catch (error) {
        if (error instanceof ConfigNotWritten) {
            // Nothing was brought up: the container goes back to work on its data, as it was.
            await containerAction((await stackConfig(stack)).container.name, "start").catch(() => undefined);
            throw new UpgradeFailed(`${error.message}; the stack was started again as it was`);
        }
        throw new UpgradeFailed(
            `bringing the stack up on the new config failed: ${(error as Error).message.split("\n").slice(-5).join("\n")}\n${safe}`,
        );
    }
    const verify = await verifyNow(stack);
    if (!verify.passed) throw new UpgradeFailed(`npm run verify fails on the switched stack:\n${verify.report}\n${safe}`);
    request.log("npm run verify: every check passed");
}
