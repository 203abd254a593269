/**
 * Existing installs, the pure half: what `docker inspect` of the Makefile-era container says, the
 * admin credentials seed 003 extracts from `.env`, and the stack config adopting it writes.
 */
import { strict as assert } from "node:assert";

import { parseConfig } from "../../src/stack/config";
import {
    ADMIN_PASSWORD_KEY,
    configAfter,
    configLeaves,
    dataProblems,
    planAdoption,
    stackProblems,
    type AdoptionFacts,
} from "../../src/commands/adopt/adopt-plan";
import { LegacyContainerError, parseInspection, serverFlagsOf } from "../../src/commands/adopt/legacy-container";
import {
    connectionFromUrl,
    credentialsFromContainer,
    credentialsFromEnvFile,
    CredentialsError,
} from "../../src/commands/adopt/legacy-credentials";
import { composeInspection } from "../fixtures/legacy-inspect";

const facts = (overrides: Partial<AdoptionFacts> = {}): AdoptionFacts => ({
    container: parseInspection(composeInspection()),
    data: { major: 16, owner: "1000:1000" },
    image: "agnohq/pgvector:16",
    imageMajor: 16,
    admin: { user: "ai", database: "hive", source: ".env HIVE_DATABASE_URL" },
    ...overrides,
});

describe("parseInspection: the Makefile-era container", () => {
    it("finds the bind-mounted data, PGDATA, user, port, network, flags and compose project", () => {
        const container = parseInspection(composeInspection());
        assert.deepEqual(container.storage, { kind: "bindMount", hostPath: "/home/dev/automagik-hive/data/postgres" });
        assert.equal(container.stackPgdata, "/var/lib/postgresql/data/pgdata");
        assert.equal(container.user, "1000:1000");
        assert.deepEqual(container.port, { hostIp: "0.0.0.0", hostPort: 5532 });
        assert.deepEqual(container.networks, ["app_network"]);
        assert.deepEqual(container.serverFlags, { max_connections: "200", shared_buffers: "256MB", effective_cache_size: "1GB" });
        assert.equal(container.composeProject, "automagik-hive");
    });

    it("maps PGDATA onto the stack's mount point whatever the old mount point was", () => {
        const mountedOnPgdata = composeInspection({
            Mounts: [{ Type: "volume", Name: "pgdata", Destination: "/var/lib/postgresql/data/pgdata" }],
        });
        const container = parseInspection(mountedOnPgdata);
        assert.deepEqual(container.storage, { kind: "volume", volumeName: "pgdata" });
        assert.equal(container.stackPgdata, "/var/lib/postgresql/data");
    });

    it("uses the configured binding of a stopped container, and refuses data on no mount", () => {
        const stopped = parseInspection(
            composeInspection({ State: { Status: "exited", Running: false }, NetworkSettings: { Ports: {}, Networks: {} } }),
        );
        assert.deepEqual(stopped.port, { hostIp: "", hostPort: 5532 });
        assert.throws(() => parseInspection(composeInspection({ Mounts: [] })), LegacyContainerError);
    });

    it("reads -c flags in both spellings", () => {
        assert.deepEqual(serverFlagsOf(["postgres", "-cfsync=off", "-c", "work_mem=8MB", "-N", "5"]), { fsync: "off", work_mem: "8MB" });
    });
});

describe("seed 003's credential extraction", () => {
    it("takes the admin from HIVE_DATABASE_URL in the SQLAlchemy form, decoding the password", () => {
        const credentials = credentialsFromEnvFile(
            "# app\nHIVE_DATABASE_URL=postgresql+psycopg://ai:p%40ss%2Fw0rd@localhost:5532/hive\n",
            ".env",
        );
        assert.deepEqual(credentials, { user: "ai", password: "p@ss/w0rd", database: "hive", source: ".env HIVE_DATABASE_URL" });
    });

    it("falls back to POSTGRES_USER/POSTGRES_PASSWORD, then to the container's environment", () => {
        assert.equal(credentialsFromEnvFile("POSTGRES_USER=ai\nPOSTGRES_PASSWORD='x y'\n", ".env").password, "x y");
        assert.equal(credentialsFromContainer(parseInspection(composeInspection())).password, "from-the-env");
    });

    it("says what is missing without echoing what it read", () => {
        assert.throws(
            () => credentialsFromEnvFile("HIVE_DATABASE_URL=postgresql://ai@localhost/hive\n", ".env"),
            /has no user or no password/,
        );
        assert.throws(
            () => credentialsFromEnvFile("OTHER=secret-value\n", ".env"),
            (error: Error) => {
                assert.ok(error instanceof CredentialsError);
                assert.doesNotMatch(error.message, /secret-value/);
                return true;
            },
        );
        assert.throws(
            () => connectionFromUrl("mysql://u:topsecret@h/db", "--from"),
            (error: Error) => !error.message.includes("topsecret"),
        );
    });
});

describe("planAdoption: the config that runs the old data", () => {
    const current = { container: { image: "hive-db/pgvector:17", name: "hive-postgres-shared", volume: "hive-postgres-shared-data" } };

    it("points the stack's container at the same data, owner, port, network and flags", () => {
        const plan = planAdoption(facts(), current);
        assert.deepEqual(plan.values, {
            adminUser: "ai",
            database: "hive",
            adoptDatabases: ["hive"],
            container: {
                image: "agnohq/pgvector:16",
                name: "hive-postgres-shared",
                pgdata: "/var/lib/postgresql/data/pgdata",
                hostPort: 5532,
                network: "app_network",
                serverFlags: { max_connections: "200", shared_buffers: "256MB", effective_cache_size: "1GB" },
                dataDirectory: "/home/dev/automagik-hive/data/postgres",
                user: "1000:1000",
            },
        });
        assert.deepEqual(plan.remove, ["container.volume"]);
        assert.equal(plan.renameOldTo, undefined);
    });
});

describe("planAdoption: server flags", () => {
    const current = { container: { image: "hive-db/pgvector:17", name: "hive-postgres-shared", volume: "hive-postgres-shared-data" } };

    it("replaces the stack's server flags whole: none of its own survive beside the container's", () => {
        const withFlags = { container: { ...current.container, serverFlags: { work_mem: "64MB", max_connections: "100" } } };
        const plan = planAdoption(facts(), withFlags);
        assert.deepEqual(plan.remove, ["container.volume", "container.serverFlags"]);
        assert.deepEqual((plan.values.container as { serverFlags: unknown }).serverFlags, {
            max_connections: "200",
            shared_buffers: "256MB",
            effective_cache_size: "1GB",
        });
    });

    it("keeps the port on loopback, says so, and warns about the compose project", () => {
        const notes = planAdoption(facts(), current).notes.join("\n");
        assert.match(notes, /published port 5532 on 0\.0\.0\.0; the stack publishes it on loopback only/);
        assert.match(notes, /compose project automagik-hive: do not start its postgres service again/);
    });

    it("renames the old container when it has the stack container's name", () => {
        const shared = facts({ container: parseInspection(composeInspection({ Name: "/hive-postgres-shared" })) });
        assert.equal(planAdoption(shared, current).renameOldTo, "hive-postgres-shared-legacy");
    });

    it("writes every leaf with --path and gives a config the stack accepts", () => {
        const plan = planAdoption(facts(), current);
        const leaves = configLeaves(plan.values);
        assert.equal(leaves["hive-db:container.hostPort"], "5532");
        assert.equal(leaves["hive-db:adoptDatabases[0]"], "hive");
        assert.equal(leaves["hive-db:container.serverFlags.max_connections"], "200");
        assert.deepEqual(configLeaves({ container: { serverFlags: { "pg_stat_statements.track": "all" } } }), {
            'hive-db:container.serverFlags["pg_stat_statements.track"]': "all",
        });
        const config = parseConfig(configAfter({ "hive-db:container": JSON.stringify(current.container) }, plan), [ADMIN_PASSWORD_KEY]);
        assert.equal(config.container.dataDirectory, "/home/dev/automagik-hive/data/postgres");
        assert.equal(config.adminUser, "ai");
    });
});

describe("what adopt refuses", () => {
    it("data of another major version than the image runs", () => {
        assert.deepEqual(dataProblems(facts()), []);
        const [problem] = dataProblems(facts({ data: { major: 16, owner: "1000:1000" }, image: "hive-db/pgvector:17", imageMajor: 17 }));
        assert.match(problem, /is PostgreSQL 16 \(its PG_VERSION\), but hive-db\/pgvector:17 runs PostgreSQL 17/);
    });

    it("a stack with hive-db:server, or one that already runs its own container", () => {
        assert.deepEqual(stackProblems({}, []), []);
        assert.match(stackProblems({ server: { host: "db" } }, []).join(), /hive-db:server is set/);
        assert.match(stackProblems({}, ["hive-postgres-shared"]).join(), /already runs its own container \(hive-postgres-shared\)/);
    });
});
