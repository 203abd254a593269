/**
 * Deleting the data for real on the real engine: an explicit act that names the volume, never a
 * side effect of `destroy`.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

import { DeleteRefused, deleteData } from "../../src/commands/down/bring-down";
import { EngineStack, requireEngineOrSkip } from "./engine";

const run = promisify(execFile);

describe("engine: deleting the data for real", function () {
    this.timeout(600_000);
    const engine = new EngineStack();
    before(async function () {
        await requireEngineOrSkip(this);
        await engine.create("dev");
        await engine.stack.up({ color: "never" });
    });
    after(() => engine.dispose());

    it("refuses unless the volume's name is repeated, and changes nothing", async () => {
        for (const confirm of [undefined, "another-volume"]) {
            await assert.rejects(deleteData(engine.stack, confirm), (error: Error) => {
                assert.ok(error instanceof DeleteRefused);
                assert.match(error.message, new RegExp(`--confirm ${engine.volumeName}`));
                return true;
            });
        }
        await run("docker", ["inspect", engine.containerName]);
    });

    it("with the name, destroys the stack and removes the volume", async () => {
        assert.deepEqual(await deleteData(engine.stack, engine.volumeName), [engine.volumeName]);
        await assert.rejects(run("docker", ["volume", "inspect", engine.volumeName]));
    });
});
