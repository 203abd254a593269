/**
 * npm run adopt — take an existing PostgreSQL container's data over into the stack (README,
 * "Existing installs").
 *
 *   npm run adopt -- --container hive-postgres [--env-file ../automagik-hive/.env] [--image IMAGE] [--up]
 *   npm run adopt -- --finish
 *
 * The stack is $HIVE_DB_STACK (default dev). Exit status: 0 done, 1 failed, 2 refused (nothing changed).
 */
import { parseArgs } from "node:util";

import { ConfigError } from "../lib/config";
import { DockerUnavailable } from "../lib/docker-cli";
import { AdoptRefused, adoptInto, examineContainer } from "../lib/legacy/adopt";
import { describeNextUp } from "../lib/legacy/adopt-plan";
import { LegacyContainerError } from "../lib/legacy/container";
import { CredentialsError } from "../lib/legacy/credentials";
import { FinishRefused, finishAdoption } from "../lib/legacy/finish";
import { PreflightError } from "../lib/lifecycle/preflight";
import { stackConfig } from "../lib/lifecycle/config";
import { bringUp } from "../lib/lifecycle/up";
import { resolveLayout } from "../lib/layout";
import { openStack, runCli, say, STACK_NAME, UsageError } from "./cli";

const USAGE = `usage: npm run adopt -- --container NAME [--env-file PATH] [--image IMAGE] [--up]
       npm run adopt -- --finish          (after npm run up: each mode owns its legacy tables)`;

const log = (line: string) => say(`adopt: ${line}`);

function options() {
    try {
        return parseArgs({
            options: {
                container: { type: "string" },
                "env-file": { type: "string" },
                image: { type: "string" },
                up: { type: "boolean", default: false },
                finish: { type: "boolean", default: false },
            },
        }).values;
    } catch (error) {
        throw new UsageError(`${(error as Error).message}\n${USAGE}`);
    }
}

async function main(): Promise<number> {
    const args = options();
    if (args.finish) {
        await finishAdoption(await openStack(), log);
        return 0;
    }
    if (args.container === undefined) throw new UsageError(USAGE);
    const examination = await examineContainer({ container: args.container, envFile: args["env-file"], image: args.image, log });
    const stack = await openStack({ create: true });
    const plan = await adoptInto(stack, examination, log);
    plan.notes.forEach((note) => log(`note: ${note}`));
    if (!args.up) {
        const roles = resolveLayout(await stackConfig(stack)).modes.map((mode) => mode.role);
        describeNextUp(plan, roles).forEach(log);
        return 0;
    }
    await bringUp(stack, { log, onOutput: (text) => process.stdout.write(text) });
    await finishAdoption(stack, log);
    log(`done: stack ${STACK_NAME} runs the data of ${args.container}; rewrite the apps' .env from its envFiles output`);
    return 0;
}

runCli("adopt", main, [
    AdoptRefused,
    CredentialsError,
    LegacyContainerError,
    DockerUnavailable,
    PreflightError,
    FinishRefused,
    ConfigError,
]);
