/**
 * A lost passphrase on the real engine: the state and the config's secrets are gone, the data is
 * not. The README's recovery (reset the admin password over the container's local socket, a new
 * stack, `npm run up`) takes the kept data over.
 */
import { spawn } from "node:child_process";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

import { escapeLiteral } from "pg";

import { bringUp } from "../../src/commands/up/bring-up";
import { randomPassword } from "../integration/helpers";
import { assertRowsIntact, assertVerifyPasses, writeRows } from "./data";
import { EngineStack, requireEngineOrSkip } from "./engine";

const run = promisify(execFile);

/** SQL through `docker exec -i ... psql` on stdin: the password is on no command line. */
function psqlInContainer(container: string, sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
        const child = spawn(
            "docker",
            ["exec", "-i", container, "psql", "-X", "-v", "ON_ERROR_STOP=1", "-U", "hive_admin", "-d", "postgres"],
            {
                stdio: ["pipe", "ignore", "pipe"],
            },
        );
        let stderr = "";
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`psql failed: ${stderr}`))));
        child.stdin.end(sql);
    });
}

describe("engine: a lost passphrase", function () {
    this.timeout(900_000);
    const lost = new EngineStack();
    const recovered = new EngineStack(lost);
    before(async function () {
        await requireEngineOrSkip(this);
        await lost.create("dev");
        await lost.stack.up({ color: "never" });
        await writeRows(await lost.outputs());
    });
    after(async () => {
        await recovered.dispose();
        await lost.dispose();
    });

    it("a new stack takes the kept data over once the admin password is reset in the container", async () => {
        const newPassword = randomPassword();
        await psqlInContainer(lost.containerName, `ALTER ROLE hive_admin PASSWORD ${escapeLiteral(newPassword)};`);
        await run("docker", ["rm", "--force", lost.containerName]);
        await recovered.create("dev", {}, newPassword);
        await bringUp(recovered.stack, { log: () => undefined });
        const outputs = await recovered.outputs();
        await assertRowsIntact(outputs);
        await assertVerifyPasses(outputs);
    });
});
