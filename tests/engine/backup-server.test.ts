/**
 * Backup and restore of a stack on an existing server (hive-db:server): no container of the stack's,
 * so pg_dump and pg_restore run in a throwaway helper container of the server's major version on the
 * host's network. `upgrade` refuses such a stack: its server is upgraded where it runs.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { readManifest } from "../../src/commands/db/backup/manifest";
import { parseLibpqUrl } from "../../src/commands/verify/targets";
import {
    docker,
    randomPassword,
    removeContainer,
    removeVolume,
    startPostgres,
    uniqueName,
    waitHealthy,
    withClient,
} from "../integration/helpers";
import { db, restoreInto } from "./backups";
import { assertRowsIntact, writeRows } from "./data";
import { EngineStack, requireEngineOrSkip } from "./engine";

describe("engine: backup and restore on an existing server", function () {
    this.timeout(900_000);
    const engine = new EngineStack();
    const name = uniqueName("engine-backup-server");
    const work = mkdtempSync(join(tmpdir(), "hive-server-backup-"));

    before(async function () {
        await requireEngineOrSkip(this);
        const password = randomPassword();
        const port = await startPostgres({ name, volume: name, env: { POSTGRES_USER: "hive_admin", POSTGRES_PASSWORD: password } });
        await waitHealthy(name);
        await engine.create("server", { server: true, config: { server: { host: "127.0.0.1", port, sslmode: "disable" } } }, password);
        await engine.stack.up({ color: "never" });
        await writeRows(await engine.outputs());
    });
    after(async () => {
        await engine.dispose();
        await removeContainer(name);
        await removeVolume(name);
        rmSync(work, { recursive: true, force: true });
    });

    it("backs up every mode with pg_dump in a helper container, which is gone afterwards", async () => {
        const run = await db(engine, ["backup", "--all", "--out", join(work, "all")]);
        assert.equal(run.code, 0, run.stdout + run.stderr);
        assert.match(run.stdout, /in a helper container of hive-db\/pgvector:17 \(PostgreSQL 17 tools\)/);
        assert.deepEqual(
            readManifest(join(work, "all"))
                .dumps.map((dump) => dump.mode)
                .sort(),
            ["agent", "genie", "workspace"],
        );
        assert.equal(await docker(["ps", "-a", "--filter", "name=hive-db-tools-", "--format", "{{.Names}}"]), "");
    });

    it("restores agent after DROP through the helper container: the rows are back", async () => {
        const outputs = await engine.outputs();
        await withClient(parseLibpqUrl(outputs.libpqUrls.agent), (client) => client.query("DROP TABLE memories"));
        await restoreInto(engine, [join(work, "all", "agent.dump")]);
        await assertRowsIntact(outputs);
    });

    it("upgrade refuses a stack on an existing server, changing nothing", async () => {
        const run = await db(engine, ["upgrade", "--image", "hive-db/pgvector:18"]);
        assert.equal(run.code, 2, run.stdout + run.stderr);
        assert.match(run.stderr, /uses an existing server \(hive-db:server\): upgrade it where it runs/);
    });
});
