/**
 * The developer's own stack, opened for `npm run up`: created and selected on first use (so plain
 * `pulumi` acts on it too), with the clone's stack file matched to it first (src/commands/common/
 * stack-file.ts): a stack file from another passphrase would otherwise fail every command.
 */
import { existsSync } from "node:fs";

import { type CliStack, exportDeployment, pulumi, stackNames } from "../common/pulumi-cli";
import { currentBackendUrl } from "../common/pulumi-env";
import { fileBackendState, matchStackFile, setAside, type StackState, stackFilePath } from "../common/stack-file";
import { PROJECT_DIR } from "../common/workspace";

/** The stack's state in the current backend: read from the checkpoint of a file:// backend, else exported. */
async function stackState(stack: CliStack, backendUrl: string | undefined): Promise<StackState | undefined> {
    if (backendUrl?.startsWith("file://")) return fileBackendState(backendUrl, stack.name);
    if (!(await stackNames(stack)).includes(stack.name)) return undefined;
    const deployment = (await exportDeployment(stack)).deployment as {
        secrets_providers?: { type?: string; state?: { salt?: string } };
        resources?: unknown[];
    };
    const provider = deployment.secrets_providers;
    return { salt: provider?.type === "passphrase" ? provider.state?.salt : undefined, resources: deployment.resources?.length ?? 0 };
}

export interface OwnStack {
    stack: CliStack;
    /** The state before this run; undefined for a stack created now. */
    state?: StackState;
}

/** `pulumi stack select --create`: the stack exists and plain `pulumi` commands act on it. */
const select = (stack: CliStack) => pulumi(stack, ["stack", "select", "--create"]);

export async function openOwnStack(stackName: string, log: (line: string) => void): Promise<OwnStack> {
    const stack: CliStack = { name: stackName, workDir: PROJECT_DIR };
    const backendUrl = currentBackendUrl();
    const state = await stackState(stack, backendUrl);
    if (state?.salt !== undefined && backendUrl !== undefined) matchStackFile(stackName, backendUrl, state.salt).forEach(log);
    try {
        await select(stack);
    } catch (error) {
        // A new stack, and a stack file whose salt this passphrase cannot open: another developer's.
        const file = stackFilePath(stackName);
        if (state !== undefined || !existsSync(file) || !/incorrect passphrase/.test(String(error))) throw error;
        log(`set aside ${file}: another passphrase's stack file (kept as ${setAside(file, stackName)})`);
        await select(stack);
    }
    return { stack, state };
}
