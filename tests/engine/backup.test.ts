/**
 * Backup and restore on the real engine, as a user runs them (`npm run db -- backup | restore`):
 * a 100k-row agent backed up while rows are being written, restored into a second stack on another
 * port and into the same stack after DROP — equal to the snapshot, owned by hive_agent, genie
 * untouched; a tampered file refused with nothing changed; --replace keeping a backup of what it
 * replaced. Timings printed at the end.
 */
import { strict as assert } from "node:assert";
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { ClientConfig } from "pg";

import { readManifest } from "../../src/commands/db/backup/manifest";
import { assertOwnedBy, type DataTarget, maxOf, tableState } from "../integration/backup-checks";
import { withClient } from "../integration/helpers";
import { ADMIN_PASSWORD, dataTarget, db, restoreInto, secondsOf, timings, writeLargeMode } from "./backups";
import { assertRowsIntact, writeRows } from "./data";
import { EngineStack, requireEngineOrSkip, printTimings } from "./engine";

const ROWS = 100_000;

interface Stacks {
    first: EngineStack;
    second: EngineStack;
    work: string;
    backup: string;
    firstData: DataTarget & { as(mode: string): ClientConfig };
    secondData: DataTarget;
}

function backupAndRestores(stacks: Stacks) {
    it(`backs up a ${ROWS}-row agent with npm run db -- backup while rows are being written`, async () => {
        let writing = true;
        const writer = withClient(stacks.firstData.as("agent"), async (client) => {
            for (let i = 0; writing; i++) await client.query("INSERT INTO items (title) VALUES ($1)", [`live ${i}`]);
        });
        const started = Date.now();
        const run = await db(stacks.first, ["backup", "--mode", "agent", "--out", stacks.backup]).finally(() => (writing = false));
        await writer;
        assert.equal(run.code, 0, run.stdout + run.stderr);
        timings.push(
            `backup of agent (${ROWS} rows, while writing): ${(Date.now() - started) / 1000} s for the command, pg_dump ${secondsOf(run, /agent\.dump: [\d.]+ \w+ in ([\d.]+) s/)} s`,
        );
        const dump = readManifest(stacks.backup).dumps[0];
        timings.push(
            `  agent.dump: ${(dump.bytes / (1 << 20)).toFixed(1)} MiB for ${dump.tables.reduce((total, table) => total + table.rows, 0)} rows`,
        );
        assert.ok(dump.tables[0].rows > ROWS, `${dump.tables[0].rows} rows`);
        assert.equal(statSync(join(stacks.backup, "agent.dump")).mode & 0o777, 0o600);
        assert.match(run.stdout, /restore it with: npm run db -- restore /);
    });

    it("restores into a second stack on another port: the rows as of the snapshot, owned by hive_agent", async () => {
        const run = await restoreInto(stacks.second, [join(stacks.backup, "agent.dump")]);
        timings.push(`restore of agent into another stack: ${secondsOf(run, /restore: done in ([\d.]+) s/)} s (HNSW index rebuilt)`);
        const newest = await maxOf(stacks.secondData, "agent", "agent.items", "id");
        assert.deepEqual(
            await tableState(stacks.secondData, "agent"),
            await tableState(stacks.firstData, "agent", { "agent.items": `id <= ${newest}` }),
        );
        await assertOwnedBy(stacks.secondData, "agent", "hive_agent");
    });

    it("restores into the same stack after DROP: equal to the backup, owned by hive_agent, genie untouched", async () => {
        const genie = await tableState(stacks.firstData, "genie");
        await withClient(stacks.firstData.as("agent"), (client) => client.query("DROP TABLE items, memories"));
        await restoreInto(stacks.first, [stacks.backup]);
        assert.deepEqual(await tableState(stacks.firstData, "agent"), await tableState(stacks.secondData, "agent"));
        await assertOwnedBy(stacks.firstData, "agent", "hive_agent");
        assert.deepEqual(await tableState(stacks.firstData, "genie"), genie);
        await assertRowsIntact(stacks.firstData.outputs);
    });
}

function refusalsAndReplace(stacks: Stacks) {
    it("a tampered file: refused (exit 2), nothing changed", async () => {
        const tampered = join(stacks.work, "tampered");
        rmSync(tampered, { recursive: true, force: true });
        cpSync(stacks.backup, tampered, { recursive: true });
        const bytes = readFileSync(join(tampered, "agent.dump"));
        bytes[bytes.length >> 1] ^= 0x01;
        writeFileSync(join(tampered, "agent.dump"), bytes);
        const before = await tableState(stacks.secondData, "agent");
        const run = await db(stacks.second, ["restore", join(tampered, "agent.dump"), "--replace"]);
        assert.equal(run.code, 2, run.stdout + run.stderr);
        assert.match(run.stderr, /restore refused, nothing was changed:\n {2}- agent\.dump: its SHA-256 is not the manifest's/);
        assert.deepEqual(await tableState(stacks.secondData, "agent"), before);
    });

    it("--replace backs up what it replaces first, names it, then restores", async () => {
        await withClient(stacks.firstData.as("agent"), (client) => client.query("INSERT INTO items (title) VALUES ('after the backup')"));
        const replaced = await tableState(stacks.firstData, "agent");
        const run = await restoreInto(stacks.first, [stacks.backup, "--replace"]);
        const kept = /restore: what was replaced is in (.+)$/m.exec(run.stdout)?.[1];
        assert.ok(kept !== undefined, run.stdout);
        assert.equal(readManifest(kept).dumps[0].tables[0].rows, Number(replaced["agent.items"].split(" ")[0]));
        assert.deepEqual(await tableState(stacks.firstData, "agent"), await tableState(stacks.secondData, "agent"));
    });
}

describe("engine: backup and restore across two stacks (a 100k-row mode)", function () {
    this.timeout(1_800_000);
    const stacks = {
        first: new EngineStack(),
        second: new EngineStack(),
        work: mkdtempSync(join(tmpdir(), "hive-engine-backup-")),
    } as Stacks;
    stacks.backup = join(stacks.work, "agent-backup");
    before(async function () {
        await requireEngineOrSkip(this);
        process.env.HIVE_DB_BACKUP_DIR = join(stacks.work, "default-root");
        for (const engine of [stacks.first, stacks.second]) {
            await engine.create("dev", {}, ADMIN_PASSWORD);
            await engine.stack.up({ color: "never" });
        }
        [stacks.firstData, stacks.secondData] = [await dataTarget(stacks.first), await dataTarget(stacks.second)];
        await writeLargeMode(stacks.firstData, "agent", ROWS);
        await writeRows(stacks.firstData.outputs);
        await withClient(stacks.firstData.as("genie"), (client) =>
            client.query("CREATE TABLE notes AS SELECT i AS id, 'note ' || i AS body FROM generate_series(1, 500) i"),
        );
    });
    after(async () => {
        delete process.env.HIVE_DB_BACKUP_DIR;
        await Promise.all([stacks.first.dispose(), stacks.second.dispose()]);
        rmSync(stacks.work, { recursive: true, force: true });
        printTimings(timings);
    });
    describe("backup and restores", () => backupAndRestores(stacks));
    describe("refusals and --replace", () => refusalsAndReplace(stacks));
});
