/**
 * `npm run down`: `pulumi destroy`, which removes the container and the network the stack created
 * and keeps the data (volume, databases, roles: retainOnDelete), then says what it kept. Deleting
 * the data is a separate, explicit act: `deleteData`.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

import type { Stack } from "@pulumi/pulumi/automation";

import { type AnyStack, backendOf, cliStackOf, pulumi } from "../common/pulumi-cli";

import { withEngine } from "../common/interrupt";
import { prepareStack } from "../common/interrupted-run";
import { currentBackendUrl } from "../common/pulumi-env";
import { type KeptData, keptData, readDeployment } from "../common/state";
import { CommandError } from "../../shared/cli";
import { backupStack } from "../db/backup/stack-backup";
import { stackServer } from "../db/backup/stack-server";

const run = promisify(execFile);

/** `pulumi destroy`, after clearing what an interrupted run left; Ctrl-C lets the engine cancel cleanly. */
async function destroy(stack: AnyStack, onOutput: (text: string) => void = () => undefined, log: (line: string) => void = () => undefined) {
    const deployment = await prepareStack(stack, backendOf(stack, currentBackendUrl), log);
    await withEngine(`the destroy of stack ${stack.name}`, onOutput, (run) =>
        pulumi(cliStackOf(stack), ["destroy", "--yes", "--skip-preview", "--color", "never"], run),
    );
    return deployment;
}

export async function bringDown(stack: AnyStack, onOutput?: (text: string) => void, log?: (line: string) => void): Promise<KeptData> {
    return keptData(await destroy(stack, onOutput, log));
}

export function describeKept(kept: KeptData): string[] {
    const lines = ["kept (your data; `npm run up` takes it over again with working credentials):"];
    if (kept.volumes.length > 0) lines.push(`  Docker volume: ${kept.volumes.join(", ")}`);
    if (kept.databases.length > 0) lines.push(`  databases: ${kept.databases.join(", ")}`);
    if (kept.roles.length > 0) lines.push(`  roles: ${kept.roles.join(", ")}`);
    return lines;
}

export class DeleteRefused extends CommandError {}

export interface DeleteOptions {
    /** Back up every mode first (false: --no-backup). */
    backupFirst: boolean;
    log: (line: string) => void;
    onOutput?: (text: string) => void;
}

/** A backup of every mode before the data goes: its directory. The server must be running. */
async function backupBeforeDelete(stack: Stack, log: (line: string) => void): Promise<string> {
    const server = await stackServer(stack).catch((error: Error) => {
        throw new DeleteRefused(`${error.message}\n(a backup is taken before the data is deleted; --no-backup deletes without one)`);
    });
    try {
        return (await backupStack(server, { kind: "all", names: [] }, { reason: "before down --delete-data", log })).directory;
    } finally {
        await server.tools.dispose();
    }
}

/**
 * Deletes the kept data for real: a backup of every mode first (unless `backupFirst` is false), the
 * stack destroyed, then each named volume removed. `confirm` must repeat the volume's name, so no
 * script or slip deletes data by accident. Returns the volumes deleted and the backup's directory.
 */
export async function deleteData(
    stack: Stack,
    confirm: string | undefined,
    options: DeleteOptions,
): Promise<{ volumes: string[]; backup?: string }> {
    const kept = keptData(await readDeployment(stack, backendOf(stack, currentBackendUrl)));
    if (kept.volumes.length === 0) {
        throw new DeleteRefused(
            "this stack keeps no Docker volume (an existing server, a bind-mounted data directory, or already destroyed): " +
                "drop its databases and roles on the server, or remove the data directory, by hand",
        );
    }
    if (confirm === undefined || !kept.volumes.includes(confirm)) {
        throw new DeleteRefused(`to delete the data for real, repeat the volume's name: --confirm ${kept.volumes.join(" ")}`);
    }
    const backup = options.backupFirst ? await backupBeforeDelete(stack, options.log) : undefined;
    if (backup !== undefined) options.log(`backed up first: ${backup} (npm run db -- restore ${backup} brings it back into a stack)`);
    await destroy(stack, options.onOutput, options.log);
    for (const volume of kept.volumes) {
        await run("docker", ["volume", "rm", volume]);
    }
    return { volumes: kept.volumes, backup };
}
