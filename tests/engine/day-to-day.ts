/**
 * `npm run db` on a stack that is up (src/commands/db/container-actions.ts): status, stop, start, restart and logs act
 * on the container through Docker and never on the state; clear refusals without Docker and for a
 * stack on an existing server.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";

import { DockerUnavailable } from "../../src/shared/docker";
import { containerAction, DbCommandRefused, followLogs, stackContainer } from "../../src/commands/db/container-actions";
import { stackStatus } from "../../src/commands/db/status";
import { runCommandLine } from "../fixtures/run-script";
import { docker, errorCode, tcpConfig, withClient } from "../integration/helpers";
import { EngineStack } from "./engine";

const resources = async (engine: EngineStack) => JSON.stringify((await engine.stack.exportStack()).deployment.resources);

function statusAndActions(engine: EngineStack) {
    it("status: running and healthy, no drift, verify passes", async () => {
        const status = await stackStatus(engine.stack, await stackContainer(engine.stack));
        assert.ok(status.ok, status.lines.join("\n"));
        assert.match(status.lines[0], new RegExp(`^container ${engine.containerName}: running, healthy`));
        assert.match(status.lines.join("\n"), /drift: none[\s\S]*verify: \d+ passed, 0 failed, 0 skipped/);
    });

    it("stop, start and restart act on the container only; status tells a stopped container and its drift", async () => {
        const state = await resources(engine);
        assert.equal((await containerAction(engine.containerName, "stop")).status, "exited");
        const stopped = await stackStatus(engine.stack, engine.containerName);
        assert.equal(stopped.ok, false);
        assert.match(
            stopped.lines.join("\n"),
            /: exited[\s\S]*drift: update 1 outside Pulumi; npm run up repairs it[\s\S]*verify: skipped/,
        );
        assert.equal((await containerAction(engine.containerName, "start")).health, "healthy");
        assert.equal((await containerAction(engine.containerName, "restart")).health, "healthy");
        assert.equal(await resources(engine), state);
        assert.ok((await stackStatus(engine.stack, engine.containerName)).ok);
    });
}

function logsAndRefusals(engine: EngineStack) {
    it("logs follows the server's log as it is written, until stopped", async () => {
        let text = "";
        const abort = new AbortController();
        const following = followLogs(engine.containerName, {
            tail: 5,
            follow: true,
            signal: abort.signal,
            onText: (chunk) => (text += chunk),
        });
        // Something for the server to log now: a login it refuses.
        const port = Number((await docker(["port", engine.containerName, "5432/tcp"])).split(":").pop());
        await errorCode(withClient(tcpConfig(port, "hive_db_logs_probe", "wrong", "postgres"), (client) => client.query("SELECT 1")));
        for (let waited = 0; !text.includes('user "hive_db_logs_probe"') && waited < 60; waited++) {
            await new Promise((resolve) => setTimeout(resolve, 500));
        }
        abort.abort();
        assert.equal(await following, 0);
        assert.match(text, /password authentication failed for user "hive_db_logs_probe"/);
    });

    it("refuses clearly without Docker, and for a stack on an existing server", async () => {
        const saved = process.env.DOCKER_HOST;
        process.env.DOCKER_HOST = "unix:///nonexistent/docker.sock";
        try {
            await assert.rejects(
                stackContainer(engine.stack),
                (error: Error) => error instanceof DockerUnavailable && /no Docker engine answers/.test(error.message),
            );
        } finally {
            if (saved === undefined) delete process.env.DOCKER_HOST;
            else process.env.DOCKER_HOST = saved;
        }
        const server = await new EngineStack().create("server", {
            server: true,
            config: { server: { host: "127.0.0.1", port: 1, sslmode: "disable" } },
        });
        try {
            await assert.rejects(
                stackContainer(server.stack),
                (error: Error) => error instanceof DbCommandRefused && /uses an existing server/.test(error.message),
            );
        } finally {
            await server.dispose();
        }
    });
}

function commandLine(engine: EngineStack) {
    const db = (args: string[]) =>
        runCommandLine("db", [...args, "--stack", engine.stack.name], "", {
            ...process.env,
            ...engine.env,
            HIVE_DB_WORK_DIR: join(engine.dir, "work"),
        });

    it("npm run db -- status prints the three parts and exits 0; logs --no-follow prints the log's tail", async () => {
        const status = await db(["status"]);
        assert.equal(status.code, 0, status.stdout + status.stderr);
        assert.match(status.stdout, /^container .*: running, healthy .*\ndrift: none .*\nverify: \d+ passed, 0 failed, 0 skipped\n$/);
        const logs = await db(["logs", "--no-follow", "--tail", "3"]);
        assert.equal(logs.code, 0, logs.stderr);
        assert.equal((logs.stdout + logs.stderr).trim().split("\n").length, 3);
    });

    it("exits 2 with the usage on a command it does not know", async () => {
        const unknown = await db(["vacuum"]);
        assert.equal(unknown.code, 2);
        assert.match(
            unknown.stderr,
            /unknown command .vacuum.\nusage: npm run db -- status \| start \| stop \| restart\n.*npm run db -- logs/,
        );
    });
}

/** The `npm run db` cases, on an engine stack that is up. */
export function dayToDay(engine: EngineStack): void {
    describe("status and actions", () => statusAndActions(engine));
    describe("logs and refusals", () => logsAndRefusals(engine));
    describe("the command line (src/commands/db/main.ts)", () => commandLine(engine));
}
