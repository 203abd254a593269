/**
 * `npm run down`: `pulumi destroy`, which removes the container and the network the stack created
 * and keeps the data (volume, databases, roles: retainOnDelete), then says what it kept. Deleting
 * the data is a separate, explicit act: `deleteData`.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

import { type AnyStack, backendOf, cliStackOf, pulumi } from "../common/pulumi-cli";

import { withEngine } from "../common/interrupt";
import { prepareStack } from "../common/interrupted-run";
import { currentBackendUrl } from "../common/pulumi-env";
import { type KeptData, keptData, readDeployment } from "../common/state";
import { CommandError } from "../../shared/cli";

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

/**
 * Deletes the kept data for real: the stack is destroyed first, then each named volume is removed.
 * `confirm` must repeat the volume's name, so no script or slip deletes data by accident.
 */
export async function deleteData(stack: AnyStack, confirm: string | undefined, onOutput?: (text: string) => void): Promise<string[]> {
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
    await destroy(stack, onOutput);
    for (const volume of kept.volumes) {
        await run("docker", ["volume", "rm", volume]);
    }
    return kept.volumes;
}
