/**
 * What an upgrade starts from, read before anything changes: the stack's container and the image
 * it runs (by a name the config can hold), the data's major version, the target image's, and
 * whether the new data's home is free.
 */
import type { Stack } from "@pulumi/pulumi/automation";

import { CommandError } from "../../../shared/cli";
import { docker } from "../../../shared/docker";
import { withSession } from "../../../shared/pg-session";
import { localImageMajor } from "../../../shared/postgres-image";
import { bindMountUser } from "../../../stack/model/naming";
import type { StackServer } from "../backup/stack-server";
import { ensureImage } from "../../up/preflight";
import { storageExists } from "./throwaway";
import { currentStorage, newStorage, planUpgrade, type UpgradeFacts, type UpgradePlan } from "./upgrade-plan";
import { currentConfigValues } from "./switch";

/** Refused before anything changed. */
export class UpgradeRefused extends CommandError {
    constructor(readonly problems: string[]) {
        super(`upgrade refused, nothing was changed:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    }
}

export const hostBindUser = (container: StackServer["config"]["container"]) =>
    bindMountUser(container, () => ({ uid: process.getuid?.() ?? 1000, gid: process.getgid?.() ?? 1000 }));

async function serverMajor(server: StackServer): Promise<number> {
    return withSession(server.admin, "hive-db-upgrade", async (client) => {
        const { rows } = await client.query<{ n: string }>("SELECT current_setting('server_version_num') AS n");
        return Math.floor(Number(rows[0].n) / 10_000);
    });
}

/**
 * The image the container runs, by a name the config can hold: the configured one when it runs the
 * data's major (the usual case), else a tag of the container's own image (the config was already
 * changed to the new image, which the program refused).
 */
async function runningImage(server: StackServer, major: number): Promise<string> {
    const configured = server.config.container.image;
    if (localImageMajor(configured) === major) return configured;
    const imageId = await docker(["container", "inspect", "--format", "{{.Image}}", server.config.container.name]);
    const tags = JSON.parse(await docker(["image", "inspect", "--format", "{{json .RepoTags}}", imageId])) as string[] | null;
    const tag = (tags ?? []).find((candidate) => localImageMajor(candidate) === major);
    if (tag === undefined)
        throw new UpgradeRefused([
            `cannot name the image the container ${server.config.container.name} runs (${imageId}): tag it, or set hive-db:container.image back to it`,
        ]);
    return tag;
}

export async function planFor(stack: Stack, server: StackServer, image: string) {
    if (server.config.server !== undefined) {
        throw new UpgradeRefused([
            `stack ${stack.name} uses an existing server (hive-db:server): upgrade it where it runs; npm run db -- backup and restore move its modes`,
        ]);
    }
    await ensureImage(image);
    const targetMajor = localImageMajor(image);
    if (targetMajor === undefined) throw new UpgradeRefused([`cannot tell which PostgreSQL version image ${image} runs`]);
    const currentMajor = await serverMajor(server);
    const { container } = server.config;
    const bindUser = hostBindUser(container);
    const facts: UpgradeFacts = {
        stack: stack.name,
        container,
        bindUser,
        currentImage: await runningImage(server, currentMajor),
        currentMajor,
        targetImage: image,
        targetMajor,
        newStorageTaken: await storageExists(newStorage(currentStorage(container, bindUser), targetMajor)),
    };
    const { plan, problems } = planUpgrade(facts);
    if (plan === undefined) throw new UpgradeRefused(problems);
    return { plan: plan as UpgradePlan, configBefore: await currentConfigValues(stack) };
}
