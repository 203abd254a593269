/**
 * npm run down — takes a stack down like `docker compose down`: removes the container and the
 * network the stack created, keeps the data (volume, databases, roles) and says so.
 */
import { type CommandSpec, runCommand } from "../../shared/cli";
import { usePulumiEnvironment } from "../common/pulumi-env";
import { openStack, stackNameOf, stackOption } from "../common/workspace";
import { bringDown, deleteData, describeKept } from "./bring-down";

const options = {
    ...stackOption,
    "delete-data": { type: "boolean", default: false, description: "also delete the data for real (needs --confirm)" },
    confirm: { type: "string", valueName: "VOLUME", description: "with --delete-data: the volume's name, repeated" },
    "no-backup": { type: "boolean", default: false, description: "with --delete-data: delete without backing every mode up first" },
} as const;

export const downCommand: CommandSpec<typeof options> = {
    name: "down",
    usage: ["[--stack NAME]", "--delete-data --confirm VOLUME [--no-backup]"],
    summary:
        "Runs `pulumi destroy`: the container and the network the stack created go, the data stays (volume, databases,\n" +
        "roles) and `npm run up` takes it over again. Deleting the data needs --delete-data and the volume's name; it\n" +
        "backs every mode up first (npm run db -- backup --all; the server must be running) unless --no-backup.",
    options,
    async run({ values }, { say }) {
        const log = (line: string) => say(`down: ${line}`);
        usePulumiEnvironment().forEach(log);
        const stack = await openStack(stackNameOf(values));
        const passThrough = (text: string) => void process.stdout.write(text);
        if (values["delete-data"]) {
            const deleted = await deleteData(stack, values.confirm, { backupFirst: !values["no-backup"], log, onOutput: passThrough });
            log(`destroyed the stack and DELETED the data: Docker volume ${deleted.volumes.join(", ")}`);
            if (deleted.backup !== undefined) log(`the backup taken first: ${deleted.backup}`);
            return 0;
        }
        describeKept(await bringDown(stack, passThrough, log)).forEach(log);
        return 0;
    },
};

if (require.main === module) void runCommand(downCommand);
