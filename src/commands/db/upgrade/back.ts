/**
 * `npm run db -- upgrade --back`: the stack returns to the image and data it had before its last
 * upgrade (the newest upgrade record whose new side is what the stack runs now). Nothing is deleted:
 * the newer data stays where it is, with whatever was written since the upgrade.
 */
import type { Stack } from "@pulumi/pulumi/automation";

import { stackConfig } from "../../common/stack-config";
import { secondsSince } from "../backup/dump";
import { backupStack } from "../backup/stack-backup";
import { stackServer } from "../backup/stack-server";
import { readRecords, recordsDirectory } from "./records";
import { storageExists } from "./throwaway";
import { type UpgradeRequest, switchOrExplain } from "./upgrade";
import { hostBindUser, UpgradeRefused } from "./upgrade-facts";
import { describeStorage, recordMatches, type UpgradeRecord } from "./upgrade-plan";

export interface BackReport {
    record: UpgradeRecord;
    backup?: string;
    seconds: number;
}

async function recordToReverse(stack: Stack): Promise<UpgradeRecord> {
    const { container, server } = await stackConfig(stack);
    if (server !== undefined)
        throw new UpgradeRefused([`stack ${stack.name} uses an existing server: it has no upgrade of its own to reverse`]);
    const found = readRecords(stack.name).find(({ record }) => recordMatches(record, container, hostBindUser(container)));
    if (found === undefined) {
        throw new UpgradeRefused([
            `no upgrade record in ${recordsDirectory(stack.name)} leads to what stack ${stack.name} runs now (${container.image}): nothing to go back from`,
        ]);
    }
    if (!(await storageExists(found.record.from.storage))) {
        throw new UpgradeRefused([`the data from before the upgrade (${describeStorage(found.record.from.storage)}) is gone`]);
    }
    return found.record;
}

export async function upgradeBack(stack: Stack, request: Omit<UpgradeRequest, "image">): Promise<BackReport> {
    const started = Date.now();
    const record = await recordToReverse(stack);
    request.log(
        `going back to PostgreSQL ${record.from.major} (${record.from.image}, ${describeStorage(record.from.storage)}), as before the upgrade of ${record.at}`,
    );
    let backup: string | undefined;
    if (request.backupFirst) {
        const server = await stackServer(stack);
        try {
            backup = (await backupStack(server, { kind: "all", names: [] }, { reason: "before upgrade --back", log: request.log }))
                .directory;
        } finally {
            await server.tools.dispose();
        }
    }
    const wanted = { ...record.configBefore, image: record.from.image };
    await switchOrExplain(stack, wanted, { ...request, image: record.from.image }, `${describeStorage(record.to.storage)} is untouched`);
    request.log(`kept: ${describeStorage(record.to.storage)} (PostgreSQL ${record.to.major}), with anything written since the upgrade`);
    return { record, backup, seconds: secondsSince(started) };
}
