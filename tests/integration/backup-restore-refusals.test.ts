/**
 * Restores that must not happen, or must not stay: a tampered file and a backup the target cannot
 * take are refused before anything changes; a restore whose result differs from the manifest is
 * rolled back (its --replace included); --replace keeps a backup of what it replaced; another
 * mode's backup goes into a mode only when told, and then into that mode's own schemas.
 */
import { strict as assert } from "node:assert";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { type Manifest, MANIFEST_FILE, readManifest } from "../../src/commands/db/backup/manifest";
import { restoreStack } from "../../src/commands/db/backup/restore";
import { assertOwnedBy, tableState, takeBackupOf } from "./backup-checks";
import { type BackupContext, useBackupServers } from "./backup-servers";
import { withClient } from "./helpers";

/** A copy of the backup with its manifest edited (the dump files, and so their SHA-256, unchanged). */
function editedCopy(context: BackupContext, name: string, edit: (manifest: Manifest) => void): string {
    const copy = join(context.work, name);
    cpSync(join(context.work, "agent-backup"), copy, { recursive: true });
    const manifest = readManifest(copy);
    edit(manifest);
    writeFileSync(join(copy, MANIFEST_FILE), JSON.stringify(manifest));
    return copy;
}

function refusals(context: BackupContext) {
    const restore = (path: string, options: { replace?: boolean; mode?: string; fromMode?: string } = {}) =>
        restoreStack(context.second.server, { path, replace: false, backupFirst: true, log: context.log, ...options });

    it("a file altered after the backup: refused by its SHA-256, nothing changed", async () => {
        const copy = editedCopy(context, "tampered", () => undefined);
        const dump = join(copy, "agent.dump");
        const bytes = readFileSync(dump);
        bytes[bytes.length >> 1] ^= 0xff;
        writeFileSync(dump, bytes);
        const before = await tableState(context.second, "agent");
        await assert.rejects(restore(copy), /restore refused, nothing was changed:\n {2}- agent\.dump: its SHA-256 is not the manifest's/);
        assert.deepEqual(await tableState(context.second, "agent"), before);
    });

    it("a backup of a newer major version, or needing an extension the target lacks: refused", async () => {
        const newer = editedCopy(context, "newer", (manifest) => void (manifest.server.major = 99));
        await assert.rejects(restore(newer), /the backup is from PostgreSQL 99; the target runs PostgreSQL 17/);
        const trigrams = editedCopy(context, "trigrams", (manifest) =>
            manifest.dumps[0].requires.push({ name: "pg_trgm", version: "1.6", schema: "extensions" }),
        );
        await assert.rejects(restore(trigrams), /needs extension pg_trgm \(1\.6 when backed up\), which database hive of the target lacks/);
    });

    it("another mode's backup: refused without --from-mode", async () => {
        await assert.rejects(
            restore(join(context.work, "agent-backup"), { mode: "genie" }),
            /holds mode agent's data .* needs --from-mode agent/,
        );
        await assert.rejects(
            restore(join(context.work, "agent-backup"), { mode: "genie", fromMode: "workspace" }),
            /--from-mode workspace: agent\.dump holds mode agent's data/,
        );
    });
}

function replacing(context: BackupContext) {
    it("a restore that does not match its manifest is rolled back, --replace's drops included", async () => {
        const wrong = editedCopy(context, "wrong-count", (manifest) => void (manifest.dumps[0].tables[0].rows += 1));
        const before = await tableState(context.first, "agent");
        await assert.rejects(
            restoreStack(context.first.server, { path: wrong, replace: true, backupFirst: false, log: context.log }),
            /the restored data does not match the backup: agent\.chunks: 6000 rows.* the backup has 6001 rows[\s\S]*rolled back: nothing was changed/,
        );
        assert.deepEqual(await tableState(context.first, "agent"), before);
    });

    it("--replace backs up what it replaces first, names it, and restores the backup", async () => {
        process.env.HIVE_DB_BACKUP_DIR = join(context.work, "default-root");
        await withClient(context.first.as("agent"), (client) =>
            client.query("INSERT INTO agent.metrics (name) VALUES ('after the backup')"),
        );
        const replaced = await tableState(context.first, "agent");
        const report = await restoreStack(context.first.server, {
            path: join(context.work, "agent-backup"),
            replace: true,
            backupFirst: true,
            log: context.log,
        });
        assert.ok(report.replacedBackup?.startsWith(join(context.work, "default-root", "first")), report.replacedBackup);
        const kept = readManifest(report.replacedBackup as string);
        assert.equal(kept.reason, "before restore --replace");
        assert.equal(`${kept.dumps[0].tables.find((table) => table.name === "metrics")?.rows}`, replaced["agent.metrics"].split(" ")[0]);
        assert.ok(existsSync(join(report.replacedBackup as string, "agent.dump")));
        assert.notDeepEqual(await tableState(context.first, "agent"), replaced);
        delete process.env.HIVE_DB_BACKUP_DIR;
    });

    it("--mode genie --from-mode agent: agent's tables in genie's schema, owned by hive_genie; agent untouched", async () => {
        const agent = await tableState(context.first, "agent");
        await restoreStack(context.first.server, {
            path: join(context.work, "agent-backup"),
            mode: "genie",
            fromMode: "agent",
            replace: true,
            backupFirst: false,
            log: context.log,
        });
        const genie = await tableState(context.first, "genie");
        const renamed = Object.fromEntries(
            Object.entries(await tableState(context.second, "agent")).map(([table, state]) => [table.replace(/^agent\./, "genie."), state]),
        );
        assert.deepEqual(Object.keys(genie), Object.keys(renamed));
        assert.deepEqual(genie, renamed);
        await assertOwnedBy(context.first, "genie", "hive_genie");
        assert.deepEqual(await tableState(context.first, "agent"), agent);
    });
}

function wholeDatabase(context: BackupContext) {
    it("--database hive: every mode of it in one snapshot, restored as a folder, each mode owning its own", async () => {
        const directory = join(context.work, "database-backup");
        const { manifest } = await takeBackupOf(context.first, { kind: "databases", names: ["hive"] }, directory, context.log);
        assert.deepEqual(
            manifest.dumps.map((dump) => dump.file),
            ["hive/workspace.dump", "hive/agent.dump", "hive/genie.dump"],
        );
        await restoreStack(context.second.server, { path: join(directory, "hive"), replace: true, backupFirst: false, log: context.log });
        for (const mode of ["workspace", "agent", "genie"]) {
            assert.deepEqual(await tableState(context.second, mode), await tableState(context.first, mode), mode);
        }
        await assertOwnedBy(context.second, "genie", "hive_genie");
    });
}

describe("restore: refusals, rollbacks, --replace and --from-mode (real servers)", function () {
    this.timeout(300_000);
    const context = useBackupServers();
    before(async () => {
        await takeBackupOf(context.first, { kind: "modes", names: ["agent"] }, join(context.work, "agent-backup"), context.log);
        // The second server got agent's backup already: the reference for the cases below.
        await restoreStack(context.second.server, {
            path: join(context.work, "agent-backup"),
            replace: false,
            backupFirst: true,
            log: context.log,
        });
    });
    describe("refused before anything changes", () => refusals(context));
    describe("replacing", () => replacing(context));
    describe("a whole database", () => wholeDatabase(context));
});
