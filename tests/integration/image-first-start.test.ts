/**
 * The locally built pgvector image's first start (image/build-image.sh): the refusal without a
 * password, a bind mount owned by the `--user` uid, and initdb.d scripts. Skipped without Docker
 * unless HIVE_DB_REQUIRE_DOCKER=1.
 */
import { strict as assert } from "node:assert";
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
    IMAGE,
    containerLogs,
    docker,
    healthcheckCommand,
    randomPassword,
    removeContainer,
    requireDockerOrSkip,
    uniqueName,
    waitHealthy,
} from "./helpers";
import { waitExited } from "./image-container";

type Cleanup = Array<() => Promise<void> | void>;

/** Refusal without a password. */
function firstStartTests(cleanup: Cleanup): void {
    it("refuses to initialise without POSTGRES_PASSWORD and says so", async () => {
        const bare = uniqueName("image-nopassword");
        cleanup.push(() => removeContainer(bare));
        await docker(["run", "--detach", "--name", bare, IMAGE]);
        assert.notEqual(await waitExited(bare), 0);
        assert.match(await containerLogs(bare), /no superuser password is set[\s\S]*POSTGRES_PASSWORD/);
    });
}
/** `--user` on a bind mount, and initdb.d scripts. */
function bindMountTests(cleanup: Cleanup): void {
    it("runs as the `docker run --user` uid on a bind mount that uid owns, and runs initdb.d scripts", async () => {
        const uid = process.getuid?.() === 0 ? 4242 : (process.getuid?.() ?? 4242);
        const dataDir = mkdtempSync(join(tmpdir(), "hive-test-pgdata-"));
        const initDir = mkdtempSync(join(tmpdir(), "hive-test-initdb-"));
        cleanup.push(
            () => rmSync(dataDir, { recursive: true, force: true }),
            () => rmSync(initDir, { recursive: true, force: true }),
        );
        if (process.getuid?.() === 0) chownSync(dataDir, uid, uid);
        chmodSync(initDir, 0o755); // mkdtemp makes it 0700; the container's uid must list it.
        writeFileSync(join(initDir, "01-marker.sql"), "CREATE TABLE init_marker AS SELECT current_user AS created_by;\n");
        const container = uniqueName("image-user");
        cleanup.push(() => removeContainer(container));
        await docker(
            [
                "run",
                "--detach",
                "--name",
                container,
                "--user",
                `${uid}:${uid}`,
                "--volume",
                `${dataDir}:/var/lib/postgresql/data`,
                "--volume",
                `${initDir}:/docker-entrypoint-initdb.d:ro`,
                "--env",
                "POSTGRES_PASSWORD",
                "--health-cmd",
                healthcheckCommand("postgres"),
                "--health-interval",
                "1s",
                IMAGE,
            ],
            { POSTGRES_PASSWORD: randomPassword() },
        );
        await waitHealthy(container);
        assert.match(await docker(["exec", container, "cat", "/proc/1/status"]), new RegExp(`^Uid:\\s+${uid}\\s`, "m"));
        assert.equal(await docker(["exec", container, "stat", "-c", "%u", "/var/lib/postgresql/data/PG_VERSION"]), String(uid));
        const marker = await docker(["exec", container, "psql", "-At", "-U", "postgres", "-c", "SELECT created_by FROM init_marker"]);
        assert.equal(marker, "postgres");
    });
}

describe("pgvector image: first start", function () {
    this.timeout(300_000);
    const cleanup: Cleanup = [];
    before(async function () {
        await requireDockerOrSkip(this);
    });
    after(async () => {
        for (const step of cleanup.reverse()) await step();
    });
    firstStartTests(cleanup);
    bindMountTests(cleanup);
});
