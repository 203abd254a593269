/**
 * Backup and restore against real servers with the stack's database layer (no Pulumi engine): a
 * backup taken while rows are being written holds exactly its snapshot; restores into a second
 * server and into an emptied mode are equal to it and owned by the mode's role; other modes are
 * untouched; a restore over data is refused, changing nothing.
 */
import { strict as assert } from "node:assert";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

import { readManifest } from "../../src/commands/db/backup/manifest";
import { restoreStack } from "../../src/commands/db/backup/restore";
import { archiveContents, assertOwnedBy, maxOf, tableState, takeBackupOf } from "./backup-checks";
import { type BackupContext, useBackupServers } from "./backup-servers";
import { withClient } from "./helpers";

/** A backup of agent while a session keeps inserting rows. */
async function backupWhileWriting(context: BackupContext, directory: string): Promise<void> {
    let writing = true;
    const writer = withClient(context.first.as("agent"), async (client) => {
        for (let i = 0; writing; i++) await client.query("INSERT INTO agent.metrics (name, value) VALUES ($1, $2)", [`live ${i}`, i]);
    });
    try {
        await new Promise((resolve) => setTimeout(resolve, 300));
        await takeBackupOf(context.first, { kind: "modes", names: ["agent"] }, directory, context.log);
    } finally {
        writing = false;
        await writer;
    }
}

function backupCases(context: BackupContext, backup: () => string) {
    it("backs up agent while rows are being written: one snapshot, files 0600, nothing of genie's", async () => {
        await backupWhileWriting(context, backup());
        const manifest = readManifest(backup());
        assert.deepEqual(
            manifest.dumps.map((dump) => [dump.file, dump.mode, dump.role, dump.database, dump.schemas]),
            [["agent.dump", "agent", "hive_agent", "hive", ["agent"]]],
        );
        assert.deepEqual(
            manifest.dumps[0].requires.map((extension) => [extension.name, extension.schema]),
            [["vector", "extensions"]],
        );
        assert.equal(statSync(backup()).mode & 0o777, 0o700);
        for (const file of readdirSync(backup())) assert.equal(statSync(join(backup(), file)).mode & 0o777, 0o600, file);
        const contents = await archiveContents(context.first, join(backup(), "agent.dump"));
        assert.match(contents, /TABLE DATA agent documents/);
        assert.doesNotMatch(contents, /genie/);
        assert.ok(
            context.lines.some((line) => /agent: .*agent\.dump: [\d.]+ KiB in [\d.]+ s/.test(line)),
            context.lines.join("\n"),
        );
    });

    it("refuses to restore over a mode that holds data, changing nothing", async () => {
        const before = await tableState(context.first, "agent");
        await assert.rejects(
            restoreStack(context.first.server, { path: backup(), replace: false, backupFirst: true, log: context.log }),
            /restore refused, nothing was changed:\n.*mode agent's schemas hold data .*--replace/s,
        );
        assert.deepEqual(await tableState(context.first, "agent"), before);
    });
}

function restoreCases(context: BackupContext, backup: () => string) {
    it("restores into a second server (another stack and port): the rows as of the snapshot, owned by its hive_agent", async () => {
        const { first, second } = context;
        await restoreStack(second.server, { path: backup(), replace: false, backupFirst: true, log: context.log });
        // Rows written after the snapshot are not in it; every one written before is.
        const newest = await maxOf(second, "agent", "agent.metrics", "id");
        assert.deepEqual(await tableState(second, "agent"), await tableState(first, "agent", { "agent.metrics": `id <= ${newest}` }));
        assert.notDeepEqual(await tableState(first, "agent"), await tableState(second, "agent"), "the writer went on after the snapshot");
        await assertOwnedBy(second, "agent", "hive_agent");
        const hnsw = await withClient(second.as("agent"), (client) =>
            client.query("SELECT indexdef FROM pg_indexes WHERE schemaname = 'agent' AND indexdef LIKE '%hnsw%'"),
        );
        assert.equal(hnsw.rows.length, 1);
    });

    it("restores into the same server after DROP: equal to the backup, owned by hive_agent, genie untouched", async () => {
        const { first, second } = context;
        const genie = await tableState(first, "genie");
        await withClient(first.as("agent"), (client) => client.query("DROP SCHEMA agent CASCADE; CREATE SCHEMA agent"));
        const report = await restoreStack(first.server, {
            path: join(backup(), "agent.dump"),
            replace: false,
            backupFirst: true,
            log: context.log,
        });
        assert.deepEqual(await tableState(first, "agent"), await tableState(second, "agent"));
        const rows = Object.values(await tableState(first, "agent")).reduce((total, value) => total + Number(value.split(" ")[0]), 0);
        assert.equal(report.rows, rows);
        assert.deepEqual(await tableState(first, "genie"), genie);
        await assertOwnedBy(first, "agent", "hive_agent");
    });
}

describe("backup and restore (real servers)", function () {
    this.timeout(300_000);
    const context = useBackupServers();
    const backup = () => join(context.work, "agent-backup");
    describe("a backup", () => backupCases(context, backup));
    describe("restores", () => restoreCases(context, backup));
});
