/**
 * npm run db — the stack's container, day to day (seed 003's postgres status/start/stop/restart/logs),
 * through Docker: never the state or the data. And the data itself: backup, restore and upgrade,
 * each a command of its own (`npm run db -- backup --help`) whose logic lives beside it.
 */
import { CommandError, type CommandSpec, runCommand, usageError } from "../../shared/cli";
import { openStack, stackNameOf, stackOption } from "../common/workspace";
import { containerAction, followLogs, stackContainer } from "./container-actions";
import { stackStatus } from "./status";
import { backupCommand } from "./backup/backup-command";
import { restoreCommand } from "./backup/restore-command";
import { upgradeCommand } from "./upgrade/upgrade-command";

const ACTIONS = ["status", "start", "stop", "restart", "logs"] as const;
type Action = (typeof ACTIONS)[number];

const options = {
    ...stackOption,
    tail: { type: "string", default: "50", valueName: "N", description: "logs: lines of the log to show first (default 50)" },
    "no-follow": { type: "boolean", default: false, description: "logs: print and exit instead of following" },
} as const;

export const dbCommand: CommandSpec<typeof options> = {
    name: "db",
    usage: ["status | start | stop | restart", "logs [--tail N] [--no-follow]", "backup | restore | upgrade ... (each has --help)"],
    summary:
        "status: the container's state and health, drift of the stack's Docker resources, verify's summary (exit 1 when\n" +
        "something is off). start, restart: wait until healthy. stop: a clean shutdown. logs: follow the server log\n" +
        "(Ctrl-C stops). Acts on the stack's container through Docker: never on the state or the data.\n" +
        "backup, restore, upgrade: the data's backups and major-version upgrades (docs/backups.md).",
    options,
    positionals: { min: 1, max: 1 },
    subcommands: { backup: backupCommand, restore: restoreCommand, upgrade: upgradeCommand },
    async run({ values, positionals }, { say }) {
        const action = positionals[0] as Action;
        if (!ACTIONS.includes(action)) throw usageError(dbCommand, `unknown command '${action}'`);
        const tail = Number(values.tail);
        if (!Number.isInteger(tail) || tail < 0) throw new CommandError(`--tail ${values.tail}: must be a whole number of lines`);
        const stack = await openStack(stackNameOf(values));
        const name = await stackContainer(stack);
        if (action === "status") {
            const status = await stackStatus(stack, name);
            status.lines.forEach(say);
            return status.ok ? 0 : 1;
        }
        if (action === "logs") return (await followLogs(name, { tail, follow: !values["no-follow"] })) === 0 ? 0 : 1;
        const state = await containerAction(name, action);
        say(`db: ${action}: container ${name} is ${state.status}${state.status === "running" ? `, ${state.health}` : ""}`);
        const ok = action === "stop" ? state.status !== "running" : state.health === "healthy";
        return ok ? 0 : 1;
    },
};

if (require.main === module) void runCommand(dbCommand);
