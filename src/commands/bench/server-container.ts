/**
 * A plain container of the stack's image with the stack's flags and healthcheck, started with the
 * Docker CLI: the hand flow's server, and the existing server of the benchmark's scale runs.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";

import { healthcheck, serverCommand } from "../../stack/model/server-process";

const run = promisify(execFile);

export interface ServerContainer {
    name: string;
    port: number;
    user: string;
    password: string;
    remove(): Promise<void>;
}

async function healthStatus(name: string): Promise<string> {
    return (await run("docker", ["inspect", "--format", "{{.State.Health.Status}} {{.State.Status}}", name])).stdout.trim();
}

/** Starts the container and waits until Docker reports its healthcheck healthy. */
export async function startServerContainer(image: string, serverFlags: Record<string, string>): Promise<ServerContainer> {
    const name = `hive-bench-${process.pid}-${randomBytes(3).toString("hex")}`;
    const user = "hive_admin";
    const password = randomBytes(18).toString("base64url");
    const check = healthcheck(user);
    // prettier-ignore
    const args = [
        "run", "--detach", "--name", name, "--publish", "127.0.0.1::5432", "--volume", `${name}:/var/lib/postgresql/data`,
        "--health-cmd", check.tests.slice(1).join(" "), "--health-interval", check.interval, "--health-timeout", check.timeout,
        "--health-retries", String(check.retries), "--health-start-period", check.startPeriod,
        "--env", "POSTGRES_USER", "--env", "POSTGRES_PASSWORD", "--env", "POSTGRES_DB=postgres",
        image, ...serverCommand(serverFlags),
    ];
    // The password goes through the environment, never a command line.
    await run("docker", args, { env: { ...process.env, POSTGRES_USER: user, POSTGRES_PASSWORD: password } });
    const remove = async () => {
        await run("docker", ["rm", "--force", "--volumes", name]).catch(() => undefined);
        await run("docker", ["volume", "rm", "--force", name]).catch(() => undefined);
    };
    for (;;) {
        const status = await healthStatus(name);
        if (status.startsWith("healthy")) break;
        if (/exited|dead/.test(status)) {
            await remove();
            throw new Error(`container ${name} exited before turning healthy`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const mapping = (await run("docker", ["port", name, "5432/tcp"])).stdout;
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(mapping)?.[1]);
    return { name, port, user, password, remove };
}
