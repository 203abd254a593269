/**
 * The lifecycle commands of a stack, behind scripts/up.sh and scripts/down.sh (which set up the
 * backend, the passphrase and PATH first):
 *
 *   stack.ts up <stack>                         check the image, repair Docker drift, pulumi up
 *   stack.ts down <stack>                       pulumi destroy, keeping the data; says what it kept
 *   stack.ts down <stack> --delete-data --confirm <volume>   ... and delete the data for real
 *
 * Exit status: 0 done, 1 the operation failed, 2 bad usage or a check refused to go on.
 */
import { LocalWorkspace } from "@pulumi/pulumi/automation";

import { ConfigError } from "../lib/config";
import { bringDown, DeleteRefused, deleteData, describeKept } from "../lib/lifecycle/down";
import { PreflightError } from "../lib/lifecycle/preflight";
import { bringUp } from "../lib/lifecycle/up";

const USAGE = "usage: stack.ts up <stack> | stack.ts down <stack> [--delete-data --confirm <volume>]";
const say = (line: string) => process.stdout.write(`${line}\n`);
const passThrough = (text: string) => process.stdout.write(text);

async function main(args: string[]): Promise<number> {
    const [command, stackName, ...rest] = args;
    if (stackName === undefined || !["up", "down"].includes(command)) {
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }
    const stack = await LocalWorkspace.selectStack({ stackName, workDir: `${__dirname}/..` });
    if (command === "up") {
        await bringUp(stack, { log: (line) => say(`up: ${line}`), onOutput: passThrough });
        say("up: done; the server answers. Outputs: pulumi stack output --json --show-secrets");
        return 0;
    }
    if (rest.includes("--delete-data")) {
        const deleted = await deleteData(stack, rest[rest.indexOf("--confirm") + 1], passThrough);
        say(`down: destroyed the stack and DELETED the data: Docker volume ${deleted.join(", ")}`);
        return 0;
    }
    describeKept(await bringDown(stack, passThrough)).forEach((line) => say(`down: ${line}`));
    return 0;
}

main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
        const expected = error instanceof PreflightError || error instanceof ConfigError || error instanceof DeleteRefused;
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = expected ? 2 : 1;
    },
);
