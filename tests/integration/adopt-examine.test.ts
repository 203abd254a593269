/**
 * `npm run adopt` before it touches anything (src/commands/adopt/adopt-container.ts examineContainer, and the command
 * line): what it finds in a real Makefile-era container, and the refusals — bad credentials, data
 * of another major version, no such container — each with nothing changed: no stack created, the
 * old container as it was, its data the same, and no password printed.
 */
import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { examineContainer } from "../../src/commands/adopt/adopt-container";
import {
    type Fingerprint,
    fingerprint,
    LEGACY_DATABASE,
    LEGACY_PGDATA,
    LEGACY_USER,
    legacyDataSql,
    prepareDataDirectory,
    removeDataDirectory,
    startLegacyContainer,
} from "../fixtures/legacy";
import { runCommandLine } from "../fixtures/run-script";
import {
    containerState,
    docker,
    IMAGE,
    PGDATA,
    randomPassword,
    removeContainer,
    removeVolume,
    requireDockerOrSkip,
    tcpConfig,
    uniqueName,
    withClient,
} from "./helpers";

interface Legacy {
    dir: string;
    name: string;
    fake: string;
    port: number;
    password: string;
    original: Fingerprint;
    envFile(password?: string): string;
}

/** A bind-mounted legacy container with data, and a stopped one whose data says PostgreSQL 16. */
function useLegacy(): Legacy {
    const legacy: Legacy = {
        dir: mkdtempSync(join(tmpdir(), "hive-adopt-")),
        name: uniqueName("legacy"),
        fake: uniqueName("legacy-pg16"),
        port: 0,
        password: randomPassword({ special: true }),
        original: { tables: {}, sequences: {} },
        envFile(password = legacy.password) {
            const file = join(legacy.dir, `${password === legacy.password ? "good" : "bad"}.env`);
            const url = `postgresql+psycopg://${LEGACY_USER}:${encodeURIComponent(password)}@localhost:${legacy.port}/${LEGACY_DATABASE}`;
            writeFileSync(file, `HIVE_DATABASE_URL=${url}\n`);
            return file;
        },
    };
    before(async function () {
        await requireDockerOrSkip(this);
        mkdirSync(join(legacy.dir, "postgres"));
        await prepareDataDirectory(join(legacy.dir, "postgres"));
        legacy.port = await startLegacyContainer({
            name: legacy.name,
            mount: { hostPath: join(legacy.dir, "postgres") },
            password: legacy.password,
        });
        const admin = tcpConfig(legacy.port, LEGACY_USER, legacy.password, LEGACY_DATABASE);
        await withClient(admin, (client) => client.query(legacyDataSql("public", 100)));
        legacy.original = await withClient(admin, (client) => fingerprint(client, "public"));
        const script = `mkdir -p ${LEGACY_PGDATA} && echo 16 > ${LEGACY_PGDATA}/PG_VERSION`;
        await docker(["run", "--rm", "--volume", `${legacy.fake}:${PGDATA}`, "--entrypoint", "sh", IMAGE, "-c", script]);
        await docker(["create", "--name", legacy.fake, "--env", `PGDATA=${LEGACY_PGDATA}`, "--volume", `${legacy.fake}:${PGDATA}`, IMAGE]);
    });
    after(async () => {
        await removeContainer(legacy.name);
        await removeContainer(legacy.fake);
        await removeVolume(legacy.fake);
        await removeDataDirectory(legacy.dir, "postgres");
        rmSync(legacy.dir, { recursive: true, force: true });
    });
    return legacy;
}

function examination(legacy: Legacy) {
    it("finds the data, its version and owner, and logs in with the .env's admin", async () => {
        const lines: string[] = [];
        const facts = await examineContainer({ container: legacy.name, envFile: legacy.envFile(), log: (line) => lines.push(line) });
        assert.deepEqual(facts.data, { major: 17, owner: "1000:1000" });
        assert.deepEqual(facts.container.storage, { kind: "bindMount", hostPath: join(legacy.dir, "postgres") });
        assert.deepEqual([facts.image, facts.imageMajor, facts.admin.user], [IMAGE, 17, LEGACY_USER]);
        assert.match(lines.join("\n"), /admin ai \(from .*good\.env HIVE_DATABASE_URL\) logs in/);
    });
}

function refusals(legacy: Legacy) {
    let state: string;
    const adopt = (args: string[]) =>
        runCommandLine("adopt", [...args, "--stack", "adopt-refusals"], "", {
            ...process.env,
            PULUMI_BACKEND_URL: `file://${state}`,
            PULUMI_CONFIG_PASSPHRASE: "adopt-refusals",
        });
    before(() => mkdirSync((state = join(legacy.dir, "state"))));

    /** Nothing changed: no stack was made, the old container runs with the same data. */
    async function assertUnchanged(): Promise<void> {
        assert.deepEqual(readdirSync(state), []);
        assert.equal((await containerState(legacy.name)).status, "running");
        const admin = tcpConfig(legacy.port, LEGACY_USER, legacy.password, LEGACY_DATABASE);
        assert.deepEqual(await withClient(admin, (client) => fingerprint(client, "public")), legacy.original);
    }

    it("refuses bad credentials, without printing either password", async () => {
        const wrong = randomPassword({ special: true });
        const run = await adopt(["--container", legacy.name, "--env-file", legacy.envFile(wrong)]);
        assert.equal(run.code, 2, run.stderr);
        assert.match(
            run.stderr,
            /adopt refused, nothing was changed:\n {2}- .* refuses ai from .*bad\.env HIVE_DATABASE_URL: password authentication failed for user "ai" \(28P01\)/,
        );
        for (const secret of [wrong, legacy.password, encodeURIComponent(wrong)]) assert.ok(!(run.stdout + run.stderr).includes(secret));
        await assertUnchanged();
    });

    it("refuses data of another major version than the image runs", async () => {
        const run = await adopt(["--container", legacy.fake, "--env-file", legacy.envFile()]);
        assert.equal(run.code, 2, run.stderr);
        assert.match(
            run.stderr,
            new RegExp(`data directory of ${legacy.fake} is PostgreSQL 16 \\(its PG_VERSION\\), but ${IMAGE} runs PostgreSQL 17`),
        );
        assert.equal((await containerState(legacy.fake)).status, "created");
        await assertUnchanged();
    });

    it("refuses a container that does not exist, and bad usage", async () => {
        const missing = await adopt(["--container", "hive-no-such-container"]);
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /there is no container named hive-no-such-container/);
        const usage = await adopt([]);
        assert.equal(usage.code, 2);
        assert.match(usage.stderr, /usage: npm run adopt -- --container NAME/);
        await assertUnchanged();
    });
}

describe("adopt: examining the Makefile-era container", function () {
    this.timeout(600_000);
    const legacy = useLegacy();
    describe("what it finds", () => examination(legacy));
    describe("what it refuses, changing nothing", () => refusals(legacy));
});
