/**
 * A major-version upgrade on the real engine, as a user meets it: `container.image` set to the
 * PostgreSQL 18 image is refused by the program within seconds, naming the upgrade command; that
 * command (`npm run db -- upgrade --image hive-db/pgvector:18`) keeps every row of a stack with a
 * 100k-row mode, verify passes, the PostgreSQL 17 volume stays; `upgrade --back` returns to it.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { assertOwnedBy, tableState } from "../integration/backup-checks";
import { withClient } from "../integration/helpers";
import { ADMIN_PASSWORD, dataTarget, db, secondsOf, timings, writeLargeMode } from "./backups";
import { assertRowsIntact, assertVerifyPasses, writeRows } from "./data";
import { EngineStack, requireEngineOrSkip, printTimings } from "./engine";

const run = promisify(execFile);
const NEW_IMAGE = process.env.HIVE_IMAGE_TAG_NEXT ?? "hive-db/pgvector:18";
const ROWS = 100_000;
const MODES = ["workspace", "agent", "genie"];

async function serverMajor(engine: EngineStack): Promise<number> {
    const target = await dataTarget(engine);
    return withClient(target.admin("postgres"), async (client) =>
        Math.floor(Number((await client.query("SHOW server_version_num")).rows[0].server_version_num) / 10_000),
    );
}

async function allTables(engine: EngineStack): Promise<Record<string, string>> {
    const target = await dataTarget(engine);
    const states = await Promise.all(MODES.map((mode) => tableState(target, mode)));
    return Object.assign({}, ...states);
}

function upgradeCases(engine: EngineStack, before: { tables: Record<string, string> }) {
    it(`a plain container.image change to ${NEW_IMAGE} is refused by the program in seconds, naming the upgrade command`, async () => {
        const container = (await run("docker", ["inspect", "--format", "{{.Id}}", engine.containerName])).stdout;
        await engine.setConfig({ container: engine.containerConfig({ image: NEW_IMAGE }) });
        const started = Date.now();
        await assert.rejects(engine.stack.up({ color: "never" }), (error: Error) =>
            error.message.includes(`npm run db -- upgrade --image ${NEW_IMAGE}`),
        );
        const seconds = (Date.now() - started) / 1000;
        timings.push(`pulumi up with the image of another major: refused in ${seconds} s`);
        assert.ok(seconds < 60, `${seconds} s`);
        assert.equal(
            (await run("docker", ["inspect", "--format", "{{.Id}}", engine.containerName])).stdout,
            container,
            "the container is untouched",
        );
    });

    it(`npm run db -- upgrade --image ${NEW_IMAGE}: every row kept, verify passes, the old volume stays`, async () => {
        const upgrade = await db(engine, ["upgrade", "--image", NEW_IMAGE]);
        assert.equal(upgrade.code, 0, upgrade.stdout + upgrade.stderr);
        timings.push(`upgrade 17 → 18 (${ROWS}-row agent): ${secondsOf(upgrade, /upgrade: done in ([\d.]+ s \(.*\))/)}`);
        assert.equal(await serverMajor(engine), 18);
        assert.deepEqual(await allTables(engine), before.tables);
        const target = await dataTarget(engine);
        await assertVerifyPasses(target.outputs);
        await assertOwnedBy(target, "agent", "hive_agent");
        await run("docker", ["volume", "inspect", engine.volumeName]);
        assert.match(
            upgrade.stdout,
            new RegExp(`kept, never written: volume ${engine.volumeName} \\(PostgreSQL 17\\); go back with: npm run db -- upgrade --back`),
        );
    });

    it("upgrade --back returns to PostgreSQL 17 on the old volume; the PostgreSQL 18 volume is kept", async () => {
        await withClient((await dataTarget(engine)).as("agent"), (client) =>
            client.query("INSERT INTO items (title) VALUES ('written on 18')"),
        );
        const back = await db(engine, ["upgrade", "--back"]);
        assert.equal(back.code, 0, back.stdout + back.stderr);
        timings.push(`upgrade --back: ${secondsOf(back, /upgrade --back: done in ([\d.]+) s/)} s`);
        assert.equal(await serverMajor(engine), 17);
        assert.deepEqual(await allTables(engine), before.tables, "the data as it was before the upgrade");
        await run("docker", ["volume", "inspect", `${engine.volumeName}-pg18`]);
        const target = await dataTarget(engine);
        await assertVerifyPasses(target.outputs);
        await assertRowsIntact(target.outputs);
    });
}

describe("engine: upgrade from PostgreSQL 17 to 18 and back (a 100k-row mode)", function () {
    this.timeout(1_800_000);
    const engine = new EngineStack();
    const work = mkdtempSync(join(tmpdir(), "hive-engine-upgrade-"));
    const original = { tables: {} as Record<string, string> };
    before(async function () {
        await requireEngineOrSkip(this);
        if (
            !(await run("docker", ["image", "inspect", NEW_IMAGE]).then(
                () => true,
                () => false,
            ))
        ) {
            console.log(
                `      skipping ${this.test?.parent?.title}: image ${NEW_IMAGE} is missing (sudo bash image/build-image.sh --major 18)`,
            );
            this.skip();
        }
        process.env.HIVE_DB_BACKUP_DIR = join(work, "backups");
        await engine.create("dev", {}, ADMIN_PASSWORD);
        await engine.stack.up({ color: "never" });
        const target = await dataTarget(engine);
        await writeLargeMode(target, "agent", ROWS);
        await writeRows(target.outputs);
        await withClient(target.as("workspace"), (client) =>
            client.query("CREATE TABLE agno_sessions AS SELECT i AS id, 's' || i AS session FROM generate_series(1, 300) i"),
        );
        original.tables = await allTables(engine);
    });
    after(async () => {
        delete process.env.HIVE_DB_BACKUP_DIR;
        await engine.dispose();
        await run("docker", ["volume", "rm", "--force", `${engine.volumeName}-pg18`]).catch(() => undefined);
        rmSync(work, { recursive: true, force: true });
        printTimings(timings);
    });
    describe("the upgrade", () => upgradeCases(engine, original));
});
