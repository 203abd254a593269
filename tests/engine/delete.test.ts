/**
 * Deleting the data for real on the real engine: an explicit act that names the volume, never a
 * side effect of `destroy`, and one that backs every mode up first (the backup restores into a new
 * stack), unless told not to.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { readManifest } from "../../src/commands/db/backup/manifest";
import { DeleteRefused, deleteData } from "../../src/commands/down/bring-down";
import { assertRowsIntact, writeRows } from "./data";
import { EngineStack, requireEngineOrSkip } from "./engine";
import { restoreInto } from "./backups";

const run = promisify(execFile);

describe("engine: deleting the data for real", function () {
    this.timeout(600_000);
    const engine = new EngineStack();
    const backups = mkdtempSync(join(tmpdir(), "hive-delete-backups-"));
    const lines: string[] = [];
    const options = { backupFirst: true, log: (line: string) => lines.push(line) };
    let backup: string | undefined;
    before(async function () {
        await requireEngineOrSkip(this);
        process.env.HIVE_DB_BACKUP_DIR = backups;
        await engine.create("dev");
        await engine.stack.up({ color: "never" });
        await writeRows(await engine.outputs());
    });
    after(async () => {
        delete process.env.HIVE_DB_BACKUP_DIR;
        await engine.dispose();
        rmSync(backups, { recursive: true, force: true });
    });

    it("refuses unless the volume's name is repeated, and changes nothing", async () => {
        for (const confirm of [undefined, "another-volume"]) {
            await assert.rejects(deleteData(engine.stack, confirm, options), (error: Error) => {
                assert.ok(error instanceof DeleteRefused);
                assert.match(error.message, new RegExp(`--confirm ${engine.volumeName}`));
                return true;
            });
        }
        await run("docker", ["inspect", engine.containerName]);
    });

    it("with the name, backs every mode up first, then destroys the stack and removes the volume", async () => {
        const deleted = await deleteData(engine.stack, engine.volumeName, options);
        assert.deepEqual(deleted.volumes, [engine.volumeName]);
        backup = deleted.backup;
        assert.ok(backup?.startsWith(join(backups, "dev")), backup);
        const manifest = readManifest(backup as string);
        assert.equal(manifest.reason, "before down --delete-data");
        assert.deepEqual(manifest.dumps.map((dump) => dump.mode).sort(), ["agent", "genie", "workspace"]);
        await assert.rejects(run("docker", ["volume", "inspect", engine.volumeName]));
    });

    it("the backup brings the rows back into a new stack", async function () {
        if (backup === undefined) this.skip();
        await assertRestores(backup as string);
    });
});

async function assertRestores(backup: string): Promise<void> {
    const fresh = new EngineStack();
    try {
        await fresh.create("dev");
        await fresh.stack.up({ color: "never" });
        await restoreInto(fresh, [backup]);
        await assertRowsIntact(await fresh.outputs());
    } finally {
        await fresh.dispose();
    }
}
