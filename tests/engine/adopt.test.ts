/**
 * An existing install on the real engine: the Makefile-era container (seed 003's compose settings,
 * data bind-mounted from ./data/postgres, run as 1000:1000, on a compose-made network, credentials
 * in the app's .env) carrying the stack container's own name. `npm run adopt` writes the config and
 * stops and renames it; `npm run up` runs the same data with the stack's roles; `--finish` gives
 * each mode its objects; `npm run db` works the container day to day; `destroy` keeps the data, the
 * network and the old container. One stack, steps in order.
 */
import { strict as assert } from "node:assert";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { adoptInto, examineContainer } from "../../src/commands/adopt/adopt-container";
import { describeNextUp } from "../../src/commands/adopt/adopt-plan";
import { finishAdoption } from "../../src/commands/adopt/finish";
import { stackConfigValues } from "../../src/commands/common/stack-config";
import { containerState } from "../../src/commands/db/container-actions";
import { bringUp } from "../../src/commands/up/bring-up";
import { parseLibpqUrl } from "../../src/commands/verify/targets";
import { runCommandLine } from "../fixtures/run-script";
import {
    type Fingerprint,
    fingerprint,
    LEGACY_DATABASE,
    LEGACY_USER,
    legacyDataSql,
    prepareDataDirectory,
    removeDataDirectory,
    startLegacyContainer,
    WORKSPACE_EXTRAS_SQL,
} from "../fixtures/legacy";
import {
    docker,
    errorCode,
    randomPassword,
    removeContainer,
    removeVolume,
    tcpConfig,
    uniqueName,
    withClient,
} from "../integration/helpers";
import { assertVerifyPasses } from "./data";
import { EngineStack, requireEngineOrSkip } from "./engine";
import { dayToDay } from "./day-to-day";

export interface Adoption {
    engine: EngineStack;
    network: string;
    dir: string;
    password: string;
    port: number;
    original: Fingerprint;
    timings: string[];
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function useAdoption(): Adoption {
    const adoption: Adoption = {
        engine: new EngineStack(),
        network: uniqueName("app-network"),
        dir: mkdtempSync(join(tmpdir(), "hive-adopt-engine-")),
        password: randomPassword({ special: true }),
        port: 0,
        original: { tables: {}, sequences: {} },
        timings: [],
    };
    const { engine } = adoption;
    before(async function () {
        await requireEngineOrSkip(this);
        await docker(["network", "create", adoption.network]);
        mkdirSync(join(adoption.dir, "postgres"));
        await prepareDataDirectory(join(adoption.dir, "postgres"));
        // The old container has the name the stack's container takes: seed 001's hive-postgres-shared.
        const legacy = {
            name: engine.containerName,
            mount: { hostPath: join(adoption.dir, "postgres") },
            password: adoption.password,
            network: adoption.network,
        };
        adoption.port = await startLegacyContainer(legacy);
        const admin = tcpConfig(adoption.port, LEGACY_USER, adoption.password, LEGACY_DATABASE);
        await withClient(admin, (client) => client.query(legacyDataSql("public", 1000) + WORKSPACE_EXTRAS_SQL));
        adoption.original = await withClient(admin, (client) => fingerprint(client, "public"));
        const url = `postgresql+psycopg://${LEGACY_USER}:${encodeURIComponent(adoption.password)}@localhost:${adoption.port}/${LEGACY_DATABASE}`;
        writeFileSync(join(adoption.dir, ".env"), `HIVE_DATABASE_URL=${url}\nHIVE_API_PORT=8886\n`);
        await engine.create("dev");
    });
    after(async () => {
        adoption.timings.forEach((line) => console.log(`      ${line}`));
        await engine.dispose();
        await removeContainer(`${engine.containerName}-legacy`);
        await docker(["network", "rm", adoption.network]).catch(() => undefined);
        await removeDataDirectory(adoption.dir, "postgres");
        rmSync(adoption.dir, { recursive: true, force: true });
    });
    return adoption;
}

function adopting(adoption: Adoption) {
    const { engine } = adoption;
    it("adopt writes the config from the container and its .env, stops and renames it, and says what up will do", async () => {
        const lines: string[] = [];
        const started = Date.now();
        const examination = await examineContainer({
            container: engine.containerName,
            envFile: join(adoption.dir, ".env"),
            log: (line) => lines.push(line),
        });
        const plan = await adoptInto(engine.stack, examination, (line) => lines.push(line));
        adoption.timings.push(`adopt (examine, config, stop): ${seconds(started)}`);
        const { own } = await stackConfigValues(engine.stack);
        assert.equal(own.adminUser, LEGACY_USER);
        assert.deepEqual(own.adoptDatabases, [LEGACY_DATABASE]);
        const container = own.container as Record<string, unknown>;
        assert.deepEqual(
            [container.dataDirectory, container.user, container.network, container.hostPort, container.pgdata, container.volume],
            [join(adoption.dir, "postgres"), "1000:1000", adoption.network, adoption.port, "/var/lib/postgresql/data/pgdata", undefined],
        );
        const secret = await engine.stack.getConfig("hive-db:adminPassword");
        assert.deepEqual([secret.value === adoption.password, secret.secret], [true, true]);
        assert.equal((await containerState(`${engine.containerName}-legacy`)).status, "exited");
        assert.equal(await docker(["inspect", "--format", "{{.HostConfig.RestartPolicy.Name}}", `${engine.containerName}-legacy`]), "no");
        assert.match(lines.join("\n"), new RegExp(`renamed ${engine.containerName} to ${engine.containerName}-legacy`));
        assert.match(describeNextUp(plan, ["hive_workspace"]).join("\n"), new RegExp(`join network ${adoption.network} as it is`));
    });

    it("up runs the same data in the stack's container, on the same network, as the same user", async () => {
        const started = Date.now();
        await bringUp(engine.stack, { log: () => undefined });
        adoption.timings.push(`npm run up on the adopted data: ${seconds(started)}`);
        const inspect = JSON.parse(await docker(["inspect", engine.containerName]))[0];
        assert.equal(inspect.Config.User, "1000:1000");
        assert.ok(adoption.network in inspect.NetworkSettings.Networks, Object.keys(inspect.NetworkSettings.Networks).join());
        const admin = tcpConfig(adoption.port, LEGACY_USER, adoption.password, LEGACY_DATABASE);
        assert.deepEqual(await withClient(admin, (client) => fingerprint(client, "public")), adoption.original);
    });
}

function finishing(adoption: Adoption) {
    const { engine } = adoption;
    it("finish: each mode owns its legacy objects, vector moves, verify passes, previews are clean", async () => {
        const started = Date.now();
        const [report] = await finishAdoption(engine.stack, () => undefined);
        adoption.timings.push(`adopt --finish (ownership, extension move, targeted refresh): ${seconds(started)}`);
        assert.ok(report.changed.some((change) => change.object === "public.documents" && change.to === "hive_workspace"));
        assert.deepEqual(report.moved, ["vector from public"]);
        const outputs = await engine.outputs();
        await withClient(parseLibpqUrl(outputs.libpqUrls.workspace), async (client) => {
            assert.equal((await client.query("SELECT count(*)::int AS n FROM documents")).rows[0].n, 1000);
            assert.equal((await client.query("INSERT INTO documents (title) VALUES ('new') RETURNING id")).rows[0].id, 1038);
            assert.equal((await client.query("SELECT nextval('ticket_seq')::int AS n")).rows[0].n, 110);
        });
        assert.equal(
            await errorCode(withClient(parseLibpqUrl(outputs.libpqUrls.agent), (client) => client.query("SELECT 1 FROM public.documents"))),
            "42501",
        );
        await assertVerifyPasses(outputs);
        await engine.stack.preview({ color: "never", expectNoChanges: true });
        await engine.stack.preview({ color: "never", expectNoChanges: true, refresh: true });
    });

    it("finish again changes nothing", async () => {
        const reports = await finishAdoption(engine.stack, () => undefined);
        assert.deepEqual(
            reports.map((report) => [report.changed, report.moved]),
            reports.map(() => [[], []]),
        );
    });
}

/** The per-mode legacy database of the agent (seed 000's port 35532 in its day), migrated through the command line. */
function migrating(adoption: Adoption) {
    const { engine } = adoption;
    const legacy = { name: uniqueName("legacy-agent"), password: randomPassword({ special: true }), port: 0 };
    before(async () => {
        legacy.port = await startLegacyContainer({ name: legacy.name, mount: { volume: legacy.name }, password: legacy.password });
        await withClient(tcpConfig(legacy.port, LEGACY_USER, legacy.password, LEGACY_DATABASE), (client) =>
            client.query(legacyDataSql("public", 1000)),
        );
        const url = `postgresql+psycopg://${LEGACY_USER}:${encodeURIComponent(legacy.password)}@127.0.0.1:${legacy.port}/${LEGACY_DATABASE}`;
        writeFileSync(join(adoption.dir, "agent.env"), `HIVE_DATABASE_URL=${url}\n`);
    });
    after(async () => {
        await removeContainer(legacy.name);
        await removeVolume(legacy.name);
    });

    it("npm run migrate copies the agent's legacy database into the stack's agent schema, from the stack's outputs", async () => {
        const env = { ...process.env, ...engine.env, HIVE_DB_WORK_DIR: join(engine.dir, "work") };
        const started = Date.now();
        const run = await runCommandLine(
            "migrate",
            ["--from-env-file", join(adoption.dir, "agent.env"), "--mode", "agent", "--stack", engine.stack.name],
            "",
            env,
        );
        adoption.timings.push(`npm run migrate, 5800 rows in 3 tables (the command, start to end): ${seconds(started)}`);
        assert.equal(run.code, 0, run.stdout + run.stderr);
        assert.match(run.stdout, /done in .* s: 3 table\(s\), 5800 rows, owned by hive_agent/);
        const source = await withClient(tcpConfig(legacy.port, LEGACY_USER, legacy.password, LEGACY_DATABASE), (client) =>
            fingerprint(client, "public"),
        );
        const outputs = await engine.outputs();
        assert.deepEqual(await withClient(parseLibpqUrl(outputs.libpqUrls.agent), (client) => fingerprint(client, "agent")), source);
        await assertVerifyPasses(outputs);
    });
}

function destroying(adoption: Adoption) {
    const { engine } = adoption;
    it("destroy removes the stack's container and keeps the data directory, the network and the old container", async () => {
        await engine.stack.destroy({ color: "never" });
        assert.equal((await containerState(engine.containerName)).status, "missing");
        await docker(["network", "inspect", adoption.network]);
        assert.ok(existsSync(join(adoption.dir, "postgres", "pgdata", "PG_VERSION")));
        assert.equal((await containerState(`${engine.containerName}-legacy`)).status, "exited");
    });
}

describe("engine: adopting the Makefile-era container", function () {
    this.timeout(1_200_000);
    const adoption = useAdoption();
    describe("adopt and up", () => adopting(adoption));
    describe("finish", () => finishing(adoption));
    describe("migrate a per-mode database into it", () => migrating(adoption));
    describe("npm run db", () => dayToDay(adoption.engine));
    describe("destroy", () => destroying(adoption));
});
