/**
 * `npm run up` around `pulumi up`: what an interrupted run left is cleared first (a stale lock,
 * pending operations, a half-made container); the image must be there or pullable; a container of
 * this name that is not the stack's is refused; Docker drift (a container removed or stopped by hand)
 * is repaired by a refresh of the Docker resources only (the database resources cannot be read while
 * the server is down), skipped when one `docker inspect` shows the stack's container running, healthy,
 * on its image. Then `pulumi up`. The program itself refuses to report success while the server
 * does not answer.
 */
import type { Deployment } from "@pulumi/pulumi/automation";

import type { HiveDbConfig } from "../../stack/config";
import { type EngineRun, withEngine } from "../common/interrupt";
import { currentBackendUrl } from "../common/pulumi-env";
import { stackConfig } from "../common/stack-config";
import { prepareStack } from "../common/interrupted-run";
import { type AnyStack, backendOf, type CliStack, cliStackOf, pulumi } from "../common/pulumi-cli";
import { containersInState, dockerUrns, resourcesOf } from "../common/state";
import { refuseForeignContainer } from "./container-clash";
import { type DockerFacts, dockerFacts, ensureImage } from "./preflight";
import { trace } from "../../shared/trace";
import { TYPE } from "../../stack/resources";

export interface UpOptions {
    /** Progress lines for the user. */
    log: (line: string) => void;
    /** The engine's own output (`pulumi up` text); none by default. */
    show?: (text: string) => void;
    /** The stack's validated config, when the caller has read it already. */
    config?: HiveDbConfig;
}

/** Whether Docker shows the state's container running, healthy, on the state's image: nothing to refresh. */
function dockerMatchesState(deployment: Deployment, facts: DockerFacts, config: HiveDbConfig, log: (line: string) => void): boolean {
    const container = resourcesOf(deployment).find((resource) => resource.type === TYPE.container);
    if (container === undefined) return false;
    const found = facts.container;
    const matches =
        found !== undefined &&
        found.id === container.id &&
        found.running &&
        found.health === "healthy" &&
        found.image === container.outputs?.image;
    if (matches) log(`container ${config.container.name}: running and healthy on its image (no Docker refresh needed)`);
    return matches;
}

/** `npm run up`'s work on a stack; Ctrl-C lets the engine cancel cleanly (src/commands/common/interrupt.ts). */
export async function bringUp(stack: AnyStack, options: UpOptions): Promise<void> {
    const config = options.config ?? (await stackConfig(stack));
    const show = options.show ?? (() => undefined);
    return withEngine(`the up of stack ${stack.name}`, show, (run) => upWith(cliStackOf(stack), config, run, options.log));
}

async function upWith(stack: CliStack, config: HiveDbConfig, run: EngineRun, log: (line: string) => void): Promise<void> {
    const deployment = await prepareStack(stack, backendOf(stack, currentBackendUrl), log);
    if (config.server === undefined) {
        const { name, image } = config.container;
        const facts = await dockerFacts(name, image);
        if (!facts.imagePresent) log(`image ${image}: ${await ensureImage(image)}`);
        await refuseForeignContainer(name, containersInState(deployment), stack.name, facts.container?.id ?? null);
        const docker = dockerUrns(deployment);
        if (docker.length > 0 && !dockerMatchesState(deployment, facts, config, log)) {
            log(`refreshing the ${docker.length} Docker resources (repairs a container removed or stopped by hand)`);
            run.checkpoint("the Docker refresh");
            const targets = docker.flatMap((urn) => ["--target", urn]);
            await pulumi(stack, ["refresh", "--yes", "--skip-preview", "--color", "never", ...targets], run);
        }
    }
    trace("checks done");
    run.checkpoint("pulumi up");
    await pulumi(stack, ["up", "--yes", "--skip-preview", "--color", "never"], run);
}
