/**
 * The locally built pgvector image (image/build-image.sh) against the official image's contract,
 * on a real Docker engine. Skipped without Docker unless HIVE_DB_REQUIRE_DOCKER=1.
 */
import { strict as assert } from "node:assert";

import {
    IMAGE,
    containerLogs,
    containerState,
    docker,
    errorCode,
    healthcheckCommand,
    randomPassword,
    removeContainer,
    startPostgres,
    uniqueName,
    waitHealthy,
    withClient,
} from "./helpers";
import { type ImageContext, useImageContainer, waitExited } from "./image-container";

/** The stack's probe and the server process. */
function healthTests(ctx: ImageContext): void {
    const { name, admin } = ctx;
    it("turns healthy with the stack's TCP pg_isready probe", async () => {
        await waitHealthy(name);
        const health = JSON.parse(await docker(["inspect", "--format", "{{json .State.Health}}", name])) as {
            Log: Array<{ ExitCode: number; Output: string }>;
        };
        const last = health.Log[health.Log.length - 1];
        assert.equal(last.ExitCode, 0);
        assert.match(last.Output, /127\.0\.0\.1:5432 - accepting connections/);
        const test = JSON.parse(await docker(["inspect", "--format", "{{json .Config.Healthcheck.Test}}", name])) as string[];
        assert.deepEqual(test, ["CMD-SHELL", healthcheckCommand(admin.user)]);
    });

    it("runs postgres itself as PID 1, as the image's postgres user (uid 999)", async () => {
        const status = await docker(["exec", name, "cat", "/proc/1/status"]);
        assert.match(status, /^Name:\s+postgres$/m);
        assert.match(status, /^Uid:\s+999\s/m);
    });
}

/** Who may log in how. */
function loginTests(ctx: ImageContext): void {
    const { name, admin, asAdmin } = ctx;
    it("lets the admin in over TCP with the password, stored as SCRAM", async () => {
        const row = await withClient(
            asAdmin(),
            async (client) =>
                (
                    await client.query(
                        "SELECT current_user AS who, rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname = current_user",
                    )
                ).rows[0],
        );
        assert.deepEqual(row, { who: admin.user, scram: true });
    });

    it("refuses the admin over TCP with a wrong password", async () => {
        assert.equal(await errorCode(withClient(asAdmin(`${admin.password}x`), async () => undefined)), "28P01");
    });

    it("asks for the password on 127.0.0.1 inside the container too; only the socket is trusted", async () => {
        const adminArgs = ["-U", admin.user, "-d", admin.database];
        const overTcp = await docker(["exec", name, "psql", "-w", "-h", "127.0.0.1", ...adminArgs, "-c", "SELECT 1"]).catch(
            (error: Error) => error.message,
        );
        assert.match(overTcp, /no password supplied/);
        const overSocket = await docker(["exec", name, "psql", "-w", "-At", ...adminArgs, "-c", "SELECT current_user"]);
        assert.equal(overSocket, admin.user);
    });
}
/** POSTGRES_DB and server flags. */
function serverTests(ctx: ImageContext): void {
    const { admin, asAdmin } = ctx;
    it("created POSTGRES_DB", async () => {
        const database = await withClient(asAdmin(), async (client) => (await client.query("SELECT current_database() AS db")).rows[0].db);
        assert.equal(database, admin.database);
    });

    it("applies server flags given on the command line", async () => {
        const settings = await withClient(
            asAdmin(),
            async (client) =>
                (
                    await client.query(
                        "SELECT name, setting, unit FROM pg_settings WHERE name IN ('max_connections', 'shared_buffers') ORDER BY name",
                    )
                ).rows,
        );
        assert.deepEqual(settings, [
            { name: "max_connections", setting: "200", unit: null },
            // 256MB in 8kB pages.
            { name: "shared_buffers", setting: String((256 * 1024) / 8), unit: "8kB" },
        ]);
    });
}

/** vector with an HNSW index, and a fast stop that keeps the data. */
function dataTests(ctx: ImageContext): void {
    const { name, volume, asAdmin } = ctx;
    it("creates the vector extension and builds an HNSW index the planner uses", async () => {
        await withClient(asAdmin(), async (client) => {
            await client.query("CREATE EXTENSION vector");
            await client.query("CREATE TABLE items (id serial PRIMARY KEY, embedding vector(3))");
            await client.query("INSERT INTO items (embedding) SELECT ARRAY[i, i * 2, i * 3]::vector FROM generate_series(1, 200) AS i");
            await client.query("CREATE INDEX items_embedding_hnsw ON items USING hnsw (embedding vector_l2_ops)");
            await client.query("SET enable_seqscan = off");
            const query = "SELECT id FROM items ORDER BY embedding <-> '[10,20,31]' LIMIT 1";
            const plan = JSON.stringify((await client.query(`EXPLAIN (FORMAT JSON) ${query}`)).rows[0]);
            assert.match(plan, /"Index Name":"items_embedding_hnsw"/);
            assert.equal((await client.query(query)).rows[0].id, 10);
        });
    });

    it("stops fast on `docker stop` (STOPSIGNAL SIGINT), even with a client connected", async () => {
        assert.equal(await docker(["image", "inspect", "--format", "{{.Config.StopSignal}}", IMAGE]), "SIGINT");
        await withClient(asAdmin(), async (client) => {
            await client.query("CREATE TABLE survivors (token text)");
            await client.query("INSERT INTO survivors VALUES ($1)", [`token-${volume}`]);
            // SIGTERM (smart shutdown) would wait for this session until docker's 10 s SIGKILL.
            const started = Date.now();
            await docker(["stop", name]);
            assert.ok(Date.now() - started < 8_000, `docker stop took ${Date.now() - started} ms`);
        }).catch((error: Error) => {
            if (!/terminat|Connection/i.test(error.message)) throw error;
        });
        assert.equal((await containerState(name)).exitCode, 0);
        const logs = await containerLogs(name);
        assert.match(logs, /received fast shutdown request/);
        assert.match(logs, /database system is shut down/);
    });
}
/** A second container on the first one's volume. */
function sameVolumeTests(ctx: ImageContext): void {
    const { name, volume, env, cleanup, asAdmin } = ctx;
    const second = uniqueName("image-second");
    const newPassword = randomPassword();

    before(async () => {
        await docker(["rm", name]);
        // A different password and the explicit `postgres ...` command form.
        ctx.port = await startPostgres({
            name: second,
            volume,
            env: { ...env, POSTGRES_PASSWORD: newPassword },
            args: ["postgres", "-c", "max_connections=200", "-c", "shared_buffers=128MB"],
        });
        cleanup.push(() => removeContainer(second));
        await waitHealthy(second);
    });

    it("keeps the data written before docker stop and docker rm", async () => {
        const rows = await withClient(asAdmin(), async (client) => (await client.query("SELECT token FROM survivors")).rows);
        assert.deepEqual(rows, [{ token: `token-${volume}` }]);
        const indexes = await withClient(
            asAdmin(),
            async (client) =>
                (await client.query("SELECT indexname FROM pg_indexes WHERE tablename = 'items' AND indexdef LIKE '%hnsw%'")).rows,
        );
        assert.deepEqual(indexes, [{ indexname: "items_embedding_hnsw" }]);
    });

    it("skips init: the first password still works, the new POSTGRES_PASSWORD does not", async () => {
        assert.match(await containerLogs(second, 200), /skipping initialization/);
        assert.equal(await errorCode(withClient(asAdmin(newPassword), async () => undefined)), "28P01");
    });

    it("applies the flags of the explicit `postgres -c ...` form", async () => {
        const value = await withClient(asAdmin(), async (client) => (await client.query("SHOW shared_buffers")).rows[0].shared_buffers);
        assert.equal(value, "128MB");
    });

    it("shuts down cleanly on SIGTERM", async () => {
        await docker(["kill", "--signal", "SIGTERM", second]);
        assert.equal(await waitExited(second, 15_000), 0);
        assert.match(await containerLogs(second), /received smart shutdown request[\s\S]*database system is shut down/);
    });
}
describe("pgvector image: a real container", function () {
    this.timeout(300_000);
    const ctx = useImageContainer();
    describe("the first container", () => {
        healthTests(ctx);
        loginTests(ctx);
        serverTests(ctx);
        dataTests(ctx);
    });
    describe("a new container on the same volume", () => sameVolumeTests(ctx));
});
