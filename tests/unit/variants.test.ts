import { strict as assert } from "assert";
import { SEED_004_CONFIG } from "../fixtures/configs";
import { deriveCredential } from "../../src/stack/model/credential-derivation";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "pg-connection-string";
import { ConfigError } from "../../src/stack/config";
import { grantTable, RecordedResource, runStack, StackRun } from "./harness";
import { isSecret, isSecretInput, reveal, unwrap } from "../fixtures/pulumi-values";
import { MOCK_SEED } from "./harness";

import { SECRET_OUTPUT_KEYS as SECRET_OUTPUTS } from "../../src/stack/model/outputs";
import { TYPE } from "../../src/stack/resources";

describe("secrets", () => {
    let run: StackRun;
    before(async () => {
        run = await runStack();
    });

    for (const output of SECRET_OUTPUTS) {
        it(`exports ${output} as a secret covering every mode`, async () => {
            assert.ok(await isSecret(run.outputs[output]), `${output} is secret`);
            assert.deepEqual(Object.keys(await unwrap(run.outputs[output])), ["workspace", "agent", "genie"]);
        });
    }

    it("leaves non-credential outputs readable", async () => {
        assert.equal(await isSecret(run.outputs.roles), false);
        assert.equal(await isSecret(run.outputs.databaseName), false);
    });

    it("puts the role's own generated password into its URLs", async () => {
        const role = run.get(TYPE.role, "hive-database-role-agent");
        assert.ok(isSecretInput(role.inputs.password), "the role's password input is secret");
        const password: string = reveal(role.inputs.password);
        assert.equal(password, deriveCredential(MOCK_SEED, "role-password", "agent", 0));
        const url = await unwrap(run.outputs.libpqUrls.agent);
        assert.ok(url.includes(`:${password}@`), "URL carries the password (URL-safe: no encoding needed)");
        const env = await unwrap(run.outputs.envFiles.agent);
        assert.ok(env.includes(`HIVE_DATABASE_URL=${await unwrap(run.outputs.databaseUrls.agent)}\n`));
    });

    it("exports libpq URLs that parse back to each role, its password, database and search_path", async () => {
        for (const mode of run.outputs.modeNames as string[]) {
            const role = run.get(TYPE.role, `hive-database-role-${mode}`).inputs;
            const parsed = parse(await unwrap(run.outputs.libpqUrls[mode] as pulumi.Output<string>));
            assert.equal(parsed.user, role.name, mode);
            assert.equal(parsed.password, reveal(role.password), mode);
            assert.equal(parsed.database, run.outputs.databases[mode], mode);
            assert.equal((parsed as Record<string, unknown>).options, `-csearch_path=${role.searchPaths.join(",")}`, mode);
        }
    });

    it("gives each mode its own password and API key", async () => {
        const keys = Object.values(await unwrap(pulumi.output(run.outputs.apiKeys))) as string[];
        assert.equal(new Set(keys).size, 3);
        for (const [mode, key] of Object.entries((await unwrap(pulumi.output(run.outputs.apiKeys))) as Record<string, string>)) {
            assert.ok(key.startsWith(`hive_${mode}_`), `${mode} key is mode-prefixed`);
        }
    });
});

describe("a bind-mounted data directory", () => {
    it("replaces the volume and runs the server as the host user", async () => {
        const run = await runStack({ container: { dataDirectory: "/srv/hive/pg", user: "1001:1002" } });
        assert.equal(run.ofType(TYPE.volume).length, 0);
        const container = run.get(TYPE.container, "hive-postgres-container");
        assert.deepEqual(container.inputs.volumes, [{ hostPath: "/srv/hive/pg", containerPath: "/var/lib/postgresql/data" }]);
        assert.equal(container.inputs.user, "1001:1002");
        assert.equal(await unwrap(run.outputs.volumeName), undefined);
    });

    it("defaults to this process's UID:GID", async () => {
        const run = await runStack({ container: { dataDirectory: "/srv/hive/pg" } });
        const container = run.get(TYPE.container, "hive-postgres-container");
        assert.equal(container.inputs.user, `${process.getuid!()}:${process.getgid!()}`);
    });
});

describe("an existing server", () => {
    let run: StackRun;
    before(async () => {
        run = await runStack(
            { adminUser: "postgres", server: { host: "db.internal", port: 6543, sslmode: "verify-full" } },
            { adminPassword: "from-config-@/" },
        );
    });

    it("declares no Docker resource at all", () => {
        assert.deepEqual(
            run.resources.filter((r) => r.type.startsWith("docker:") || r.type.includes("PostgresContainer")),
            [],
        );
        assert.equal(run.outputs.containerName, undefined);
        assert.equal(run.outputs.networkName, undefined);
    });

    it("points the provider at the server with the configured secret password", async () => {
        const provider = run.get(TYPE.postgresqlProvider, "hive-database-provider");
        assert.equal(provider.inputs.host, "db.internal");
        assert.equal(provider.inputs.port, "6543");
        assert.equal(provider.inputs.sslmode, "verify-full");
        assert.equal(provider.inputs.username, "postgres");
        assert.deepEqual(provider.dependencies, [], "nothing to wait for");
        assert.equal(run.ofType(TYPE.randomPassword).filter((p) => p.name.includes("admin")).length, 0);
    });

    it("runs the same database layer and points URLs at the server", async () => {
        const defaults = await runStack();
        const shape = (r: StackRun) =>
            r.resources
                .filter((x) => x.type.startsWith("postgresql:"))
                .map((x) => x.name)
                .sort();
        assert.deepEqual(shape(run), shape(defaults));
        const url = new URL(await unwrap(run.outputs.libpqUrls.agent));
        assert.equal(url.host, "db.internal:6543");
    });
});

describe("an existing server: adoption", () => {
    const config = {
        adminUser: "postgres",
        server: { host: "h" },
        modes: { workspace: { schemas: ["public"] }, knowledge: { schemas: ["public"], database: "knowledge", apiPort: 9000 } },
    };

    it("takes over the databases and roles that already exist, and creates the rest", async () => {
        const run = await runStack(config, { adminPassword: "x" }, { databases: ["hive"], roles: ["hive_knowledge"] });
        assert.equal(run.get(TYPE.database, "hive-database-db-hive").importId, "hive");
        assert.equal(run.get(TYPE.database, "hive-database-db-knowledge").importId, "", "a new database is created");
        assert.equal(run.get(TYPE.role, "hive-database-role-knowledge").importId, "hive_knowledge");
        assert.equal(run.get(TYPE.role, "hive-database-role-workspace").importId, "");
    });

    it("stops before any database resource when adoptDatabases names a database the server lacks", async () => {
        await assert.rejects(
            runStack({ ...config, adoptDatabases: ["hive"] }, { adminPassword: "x" }, { databases: [] }),
            /hive-db:adoptDatabases: hive does not exist on h:5432/,
        );
    });
});

describe("bad config", () => {
    it("fails before any resource is registered", async () => {
        let registered: RecordedResource[] | undefined;
        await assert.rejects(
            runStack({ modes: { agent: { schemas: ["pg_agent"] } } }).then((run) => {
                registered = run.resources;
            }),
            (error: unknown) => error instanceof ConfigError && /hive-db:modes.agent.schemas.0/.test(error.message),
        );
        assert.equal(registered, undefined);
    });
});

describe("seed 004: several databases and a read-only shared knowledge base", () => {
    let run: StackRun;
    before(async () => {
        run = await runStack(SEED_004_CONFIG);
    });

    it("creates each database with its own extensions schema and vector", () => {
        const dbs = run
            .ofType(TYPE.database)
            .map((d) => d.inputs.name)
            .sort();
        assert.deepEqual(dbs, ["claude_flow_shared", "distributed_postgres_cluster", "qradar_vectors"]);
        const extensions = run
            .ofType(TYPE.extension)
            .map((e) => `${e.inputs.database}.${e.inputs.schema}.${e.inputs.name}`)
            .sort();
        assert.deepEqual(extensions, [
            "claude_flow_shared.extensions.vector",
            "distributed_postgres_cluster.extensions.vector",
            "qradar_vectors.extensions.vector",
        ]);
    });
});

describe("seed 004: readers", () => {
    let run: StackRun;
    before(async () => {
        run = await runStack(SEED_004_CONFIG);
    });

    it("lets readers connect and SELECT in the shared database, including future tables", () => {
        const grants = grantTable(run);
        for (const reader of ["dpg_cluster", "qradar"]) {
            assert.ok(grants.includes(`${reader} claude_flow_shared - database: CONNECT`), reader);
            assert.ok(grants.includes(`${reader} claude_flow_shared public schema: USAGE`), reader);
            assert.ok(grants.includes(`${reader} claude_flow_shared public table: SELECT`), reader);
            assert.ok(!grants.some((g) => g.startsWith(`${reader} claude_flow_shared public schema: CREATE`)), `${reader} cannot create`);
        }
        const defaults = run
            .ofType(TYPE.defaultPrivileges)
            .map(
                (d) =>
                    `${d.inputs.owner}->${d.inputs.role} ${d.inputs.database}.${d.inputs.schema} ${d.inputs.objectType}: ${d.inputs.privileges}`,
            )
            .sort();
        assert.deepEqual(defaults, [
            "shared_user->dpg_cluster claude_flow_shared.public table: SELECT",
            "shared_user->qradar claude_flow_shared.public table: SELECT",
        ]);
    });

    it("keeps project databases closed to each other", () => {
        const grants = run.ofType(TYPE.grant);
        const intoQradar = grants.filter(
            (g) => g.inputs.database === "qradar_vectors" && g.inputs.role !== "qradar" && g.inputs.role !== "public",
        );
        assert.deepEqual(
            intoQradar.map((g) => g.name),
            [],
        );
    });
});
