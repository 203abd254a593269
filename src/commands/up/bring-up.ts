/**
 * The documented way to bring a stack up (`npm run up`, scripts/up.sh): check the image, repair
 * Docker drift (a container removed or stopped by hand) with a refresh of the Docker resources
 * only — the database resources cannot be refreshed while the server is down — then `up`. The
 * program itself refuses to report success while the server does not answer.
 */
import type { Stack, UpResult } from "@pulumi/pulumi/automation";

import { stackConfig } from "../common/stack-config";
import { ensureImage } from "./preflight";
import { containersInState, dockerUrns } from "../common/state";
import { refuseForeignContainer } from "./container-clash";

export interface UpOptions {
    /** Progress lines for the user. */
    log: (line: string) => void;
    /** The engine's own output (`pulumi up` text). */
    onOutput?: (text: string) => void;
}

export async function bringUp(stack: Stack, options: UpOptions): Promise<UpResult> {
    const config = await stackConfig(stack);
    const deployment = await stack.exportStack();
    if (config.server === undefined) {
        options.log(`image ${config.container.image}: ${await ensureImage(config.container.image)}`);
        await refuseForeignContainer(config.container.name, containersInState(deployment), stack.name);
    }
    const docker = dockerUrns(deployment);
    if (docker.length > 0) {
        options.log(`refreshing the ${docker.length} Docker resources (repairs a container removed or stopped by hand)`);
        await stack.refresh({ target: docker, color: "never", onOutput: options.onOutput });
    }
    return stack.up({ color: "never", onOutput: options.onOutput });
}
