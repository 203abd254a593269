/**
 * npm run db — the stack's container, day to day (seed 003's postgres status/start/stop/restart/logs).
 *
 *   npm run db -- status                 container state and health, drift, verify summary
 *   npm run db -- logs [--tail N] [--no-follow]    follow the server log (Ctrl-C stops)
 *   npm run db -- start | stop | restart
 *
 * Acts on the container of stack $HIVE_DB_STACK (default dev) through Docker: never on the state or
 * the data. Exit status: 0 done (status: all well), 1 failed (status: something is off), 2 refused.
 */
import { parseArgs } from "node:util";

import { DockerUnavailable } from "../lib/docker-cli";
import { containerAction, DbCommandRefused, followLogs, stackContainer, stackStatus } from "../lib/lifecycle/db";
import { openStack, runCli, say, UsageError } from "./cli";

const USAGE = "usage: npm run db -- status | start | stop | restart | logs [--tail N] [--no-follow]";
const COMMANDS = ["status", "start", "stop", "restart", "logs"];

function options() {
    try {
        const { values, positionals } = parseArgs({
            options: { tail: { type: "string", default: "50" }, "no-follow": { type: "boolean", default: false } },
            allowPositionals: true,
        });
        const tail = Number(values.tail);
        if (positionals.length !== 1 || !COMMANDS.includes(positionals[0]) || !Number.isInteger(tail) || tail < 0)
            throw new Error("bad usage");
        return { command: positionals[0], tail, follow: !values["no-follow"] };
    } catch {
        throw new UsageError(USAGE);
    }
}

async function main(): Promise<number> {
    const { command, tail, follow } = options();
    const stack = await openStack();
    const name = await stackContainer(stack);
    if (command === "status") {
        const status = await stackStatus(stack, name);
        status.lines.forEach(say);
        return status.ok ? 0 : 1;
    }
    if (command === "logs") return followLogs(name, { tail, follow });
    const state = await containerAction(name, command as "start" | "stop" | "restart");
    say(`db: ${command}: container ${name} is ${state.status}${state.status === "running" ? `, ${state.health}` : ""}`);
    return command === "stop" ? Number(state.status === "running") : Number(state.health !== "healthy");
}

runCli("db", main, [DbCommandRefused, DockerUnavailable]);
