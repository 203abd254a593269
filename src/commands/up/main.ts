/**
 * npm run up — brings a stack up on this machine and repairs it: a local state backend and a
 * generated passphrase (no Pulumi Cloud account), a Docker engine, the admin password generated
 * once, the image check, Docker drift repaired, then `pulumi up`.
 */
import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";

import { CommandError, type CommandSpec, runCommand } from "../../shared/cli";
import { trace } from "../../shared/trace";
import { CONFIG_NAMESPACE } from "../../stack/config";
import type { CliStack } from "../common/pulumi-cli";
import { currentBackendUrl, usePulumiEnvironment } from "../common/pulumi-env";
import { keepCopy, keptCopyPath, stackFilePath } from "../common/stack-file";
import { parseStackConfig, setSecretConfig, stackConfigValues } from "../common/stack-config";
import { stackNameOf, stackOption } from "../common/workspace";
import { bringUp } from "./bring-up";
import { openOwnStack } from "./own-stack";

const ADMIN_PASSWORD_KEY = `${CONFIG_NAMESPACE}:adminPassword`;

/** The Pulumi CLI must be on PATH (looked up, not run); the Automation API's own message would not say how to get it. */
function requirePulumiCli(): void {
    const onPath = (process.env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && existsSync(join(dir, "pulumi")));
    if (!onPath) {
        throw new CommandError(
            "the Pulumi CLI is not on PATH. Install it with the docker, postgresql and random plugins (README, Prerequisites), then run again.",
        );
    }
}

/** A Docker engine for the stack's container: scripts/docker-bootstrap.sh uses a running one or starts one. */
function requireDockerEngine(): void {
    const bootstrap = spawnSync("bash", ["scripts/docker-bootstrap.sh"], { stdio: "inherit" });
    if (bootstrap.status !== 0) throw new CommandError("no Docker engine (see the lines above); the stack's container needs one");
}

/**
 * The admin password lives in the stack config (encrypted), where it outlives `pulumi destroy` like
 * the data directory it unlocks; generated once, through stdin, never on a command line. A stack that
 * already holds resources had one: a new one would not open its data, so it is not made up.
 */
async function generateAdminPassword(stack: CliStack, holdsResources: boolean): Promise<void> {
    if (holdsResources) {
        const kept = keptCopyPath(currentBackendUrl() ?? "", stack.name);
        throw new CommandError(
            `${ADMIN_PASSWORD_KEY} is missing from ${stackFilePath(stack.name)}, but stack ${stack.name} already holds resources ` +
                `whose data it unlocks: restore the stack file (a copy is kept at ${kept} after every npm run up), or set the ` +
                `admin password the data knows: pulumi config set --secret ${ADMIN_PASSWORD_KEY} (docs/lifecycle.md, "Lost secrets")`,
        );
    }
    await setSecretConfig(stack, ADMIN_PASSWORD_KEY, randomBytes(24).toString("base64url"));
}

export const upCommand: CommandSpec<typeof stackOption> = {
    name: "up",
    usage: ["[--stack NAME]"],
    summary:
        "Creates and selects the stack (default dev) on first use, generates its admin password once (a secret in the\n" +
        "stack config), checks the image, repairs a container removed or stopped by hand, then runs `pulumi up`.\n" +
        "Run it any time: with nothing to change it changes nothing.",
    options: stackOption,
    async run({ values }, { say }) {
        const log = (line: string) => say(`up: ${line}`);
        trace("command loaded");
        usePulumiEnvironment({ setUp: true }).forEach(log);
        requirePulumiCli();
        const { stack, state } = await openOwnStack(stackNameOf(values), log);
        trace("stack opened");
        const configValues = await stackConfigValues(stack);
        trace("config read");
        const serverMode = Object.hasOwn(configValues.all, `${CONFIG_NAMESPACE}:server`);
        if (!serverMode) requireDockerEngine();
        if (!serverMode && !Object.hasOwn(configValues.all, ADMIN_PASSWORD_KEY)) {
            await generateAdminPassword(stack, (state?.resources ?? 0) > 0);
            log(`generated ${ADMIN_PASSWORD_KEY} (a secret in ${stackFilePath(stack.name)})`);
            // What the config now holds, without reading it all again (its value never enters the parser).
            configValues.all[ADMIN_PASSWORD_KEY] = "generated";
            configValues.secretKeys.push(ADMIN_PASSWORD_KEY);
        }
        const config = parseStackConfig(configValues);
        await bringUp(stack, { log, config, show: (text) => process.stdout.write(text) });
        trace("up done");
        const backend = currentBackendUrl();
        if (backend !== undefined) keepCopy(stack.name, backend);
        log(`done; the server answers. Outputs: pulumi stack output --json --show-secrets (stack ${stack.name})`);
        return 0;
    },
};

if (require.main === module) void runCommand(upCommand);
