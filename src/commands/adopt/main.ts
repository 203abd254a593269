/**
 * npm run adopt — takes an existing PostgreSQL container's data over into the stack (docs/existing-installs.md).
 */
import { type CommandSpec, runCommand, usageError } from "../../shared/cli";
import { resolveLayout } from "../../stack/model/layout";
import { stackConfig } from "../common/stack-config";
import { openStack, stackNameOf, stackOption } from "../common/workspace";
import { bringUp } from "../up/bring-up";
import { adoptInto, examineContainer } from "./adopt-container";
import { describeNextUp } from "./adopt-plan";
import { finishAdoption } from "./finish";

const options = {
    ...stackOption,
    container: { type: "string", valueName: "NAME", description: "the container whose data the stack takes over" },
    "env-file": { type: "string", valueName: "PATH", description: "an app's .env with HIVE_DATABASE_URL (the admin's login)" },
    image: { type: "string", valueName: "IMAGE", description: "image of the stack's container (default: the old one's)" },
    up: { type: "boolean", default: false, description: "then bring the stack up and finish (one step)" },
    finish: { type: "boolean", default: false, description: "after npm run up: each mode owns its legacy tables" },
} as const;

export const adoptCommand: CommandSpec<typeof options> = {
    name: "adopt",
    usage: ["--container NAME [--env-file PATH] [--image IMAGE] [--up]", "--finish"],
    summary:
        "Examines the container (data, PGDATA, admin, port, network, server flags), writes the stack config, and stops the\n" +
        "old container for good (never removes it). Refuses, changing nothing, what it cannot take over safely.",
    options,
    async run({ values }, { say }) {
        const log = (line: string) => say(`adopt: ${line}`);
        const stackName = stackNameOf(values);
        if (values.finish) {
            await finishAdoption(await openStack(stackName), log);
            return 0;
        }
        if (values.container === undefined) throw usageError(adoptCommand, "--container NAME is required (or --finish)");
        const examination = await examineContainer({ container: values.container, envFile: values["env-file"], image: values.image, log });
        const stack = await openStack(stackName, { create: true });
        const plan = await adoptInto(stack, examination, log);
        plan.notes.forEach((note) => log(`note: ${note}`));
        if (!values.up) {
            describeNextUp(
                plan,
                resolveLayout(await stackConfig(stack)).modes.map((mode) => mode.role),
            ).forEach(log);
            return 0;
        }
        await bringUp(stack, { log, show: (text) => process.stdout.write(text) });
        await finishAdoption(stack, log);
        log(`done: stack ${stackName} runs the data of ${values.container}; rewrite the apps' .env from its envFiles output`);
        return 0;
    },
};

if (require.main === module) void runCommand(adoptCommand);
