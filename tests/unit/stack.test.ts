import { strict as assert } from "assert";
import { TEST_ADMIN_PASSWORD } from "../fixtures/configs";
import { grantTable, RecordedResource, runStack, StackRun } from "./harness";
import { isSecretInput, reveal, unwrap } from "../fixtures/pulumi-values";
import { TYPE } from "../../src/stack/resources";

const dependsOn = (resource: RecordedResource, on: RecordedResource) => resource.dependencies.includes(on.urn);

describe("the default stack: the container layer", () => {
    let run: StackRun;
    before(async () => {
        run = await runStack();
    });

    it("declares the container layer", () => {
        const image = run.get(TYPE.image, "hive-postgres-image");
        assert.equal(image.inputs.name, "agnohq/pgvector:16");
        assert.equal(image.inputs.keepLocally, true);

        const network = run.get(TYPE.network, "hive-postgres-network");
        assert.equal(network.inputs.name, "app_network");
        assert.equal(network.inputs.kind, "hive-db-network");

        const volume = run.get(TYPE.volume, "hive-postgres-data");
        assert.equal(volume.inputs.name, "hive-postgres-shared-data");
        assert.equal(volume.protect, false, "not protected: `pulumi destroy` needs no hand steps");
        assert.equal(volume.retainOnDelete, true, "volume retained on delete");
    });
});

describe("the default stack: the container", () => {
    let run: StackRun;
    before(async () => {
        run = await runStack();
    });

    it("runs the container as the seeds describe, healthy before anything connects", () => {
        const container = run.get(TYPE.container, "hive-postgres-container");
        const inputs = container.inputs;
        assert.equal(inputs.name, "hive-postgres-shared");
        assert.equal(inputs.image, "sha256:hive-postgres-image", "uses the RemoteImage's id");
        assert.equal(inputs.restart, "unless-stopped");
        assert.deepEqual(inputs.ports, [{ internal: 5432, external: 5532, ip: "127.0.0.1" }]);
        assert.deepEqual(inputs.volumes, [{ volumeName: "hive-postgres-shared-data", containerPath: "/var/lib/postgresql/data" }]);
        assert.deepEqual(inputs.networksAdvanced, [{ name: "app_network", aliases: ["postgres"] }]);
        assert.deepEqual(inputs.command, [
            "postgres",
            "-c",
            "max_connections=200",
            "-c",
            "shared_buffers=256MB",
            "-c",
            "effective_cache_size=1GB",
        ]);
        assert.equal(inputs.user, undefined, "a named volume runs as the image's own user");
        const envs: string[] = reveal(inputs.envs);
        assert.ok(envs.includes("PGDATA=/var/lib/postgresql/data/pgdata"), JSON.stringify(envs.filter((e) => !e.includes("PASSWORD"))));
        assert.ok(envs.includes("POSTGRES_USER=hive_admin"));
        assert.ok(envs.includes("POSTGRES_PASSWORD_FILE=/run/hive-db/admin-password"), "the password comes from a file");
        assert.deepEqual(reveal(inputs.uploads), [
            { file: "/run/hive-db/admin-password", content: TEST_ADMIN_PASSWORD, permissions: "0444" },
        ]);

        const test: string[] = inputs.healthcheck.tests;
        assert.ok(test.includes("pg_isready"), test.join(" "));
        assert.equal(test[test.indexOf("-h") + 1], "127.0.0.1", "probe over TCP, not the init server's socket");
        assert.equal(inputs.wait, true);
        assert.ok(inputs.waitTimeout >= 60, `waitTimeout ${inputs.waitTimeout}`);

        assert.deepEqual(container.replaceOnChanges, ["healthcheck"]);
        assert.equal(container.deleteBeforeReplace, true);
        // Only the admin password is ignored: other env edits (PGDATA, user) must show in a preview.
        // Only the password file is ignored: nothing that a refresh reads back (envs come back as an
        // unordered set) may be pinned by position, and other env edits (PGDATA, user) must show.
        assert.deepEqual(container.ignoreChanges, ["uploads"]);
        const volume = run.get(TYPE.volume, "hive-postgres-data");
        const image = run.get(TYPE.image, "hive-postgres-image");
        assert.ok(dependsOn(container, volume) && dependsOn(container, image));
    });
});

describe("the default stack: secrets and providers", () => {
    let run: StackRun;
    before(async () => {
        run = await runStack();
    });

    it("keeps the container's password secret, out of its env", () => {
        const container = run.get(TYPE.container, "hive-postgres-container");
        const uploads = container.inputs.uploads;
        assert.ok(isSecretInput(uploads) || isSecretInput(uploads[0]?.content), "the password file reaches the engine as a secret");
        assert.ok(!JSON.stringify(reveal(container.inputs.envs)).includes(TEST_ADMIN_PASSWORD), "no password in the envs");
    });
});

describe("the default stack: the database layer", () => {
    let run: StackRun;
    before(async () => {
        run = await runStack();
    });

    it("connects the postgresql provider to the container, after it is healthy, without TLS", () => {
        const provider = run.get(TYPE.postgresqlProvider, "hive-database-provider");
        const container = run.get(TYPE.container, "hive-postgres-container");
        assert.ok(dependsOn(provider, container), "provider dependsOn the container");
        assert.equal(provider.inputs.host, "127.0.0.1");
        assert.equal(provider.inputs.port, "5532");
        assert.equal(provider.inputs.sslmode, "disable");
        assert.equal(provider.inputs.username, "hive_admin");
        assert.equal(provider.inputs.database, "postgres");
    });

    it("sends every resource through an explicit provider, parented to its component", () => {
        const provider = run.get(TYPE.postgresqlProvider, "hive-database-provider");
        const component = run.get(TYPE.hiveDatabase, "hive-database");
        const pgResources = run.resources.filter((r) => r.type.startsWith("postgresql:"));
        assert.ok(pgResources.length > 15, `${pgResources.length} resources`);
        for (const resource of pgResources) {
            assert.equal(resource.provider, `${provider.urn}::${provider.name}-id`, resource.name);
            assert.equal(resource.parent, component.urn, resource.name);
        }
        const providerRef = (type: string, name: string) => `${run.get(type, name).urn}::${name}-id`;
        const docker = providerRef(TYPE.dockerProvider, "hive-postgres-docker");
        for (const resource of run.resources.filter((r) => r.type.startsWith("docker:"))) {
            assert.equal(resource.parent, run.get(TYPE.postgresContainer, "hive-postgres").urn, resource.name);
            assert.equal(resource.provider, docker, `${resource.name} uses the explicit docker provider`);
        }
        const random = providerRef(TYPE.randomProvider, "hive-credentials-random");
        for (const resource of run.resources.filter((r) => r.type.startsWith("random:"))) {
            assert.equal(resource.provider, random, `${resource.name} uses the explicit random provider`);
        }
    });

    it("creates the hive database, kept on destroy, and the extensions schema with vector in it", () => {
        const db = run.get(TYPE.database, "hive-database-db-hive");
        assert.equal(db.inputs.name, "hive");
        assert.equal(db.protect, false);
        assert.equal(db.retainOnDelete, true);
        assert.equal(db.importId, "", "nothing to adopt on an empty server");
        const schema = run.get(TYPE.schema, "hive-database-schema-hive-extensions");
        const extension = run.get(TYPE.extension, "hive-database-ext-hive-vector");
        assert.deepEqual([extension.inputs.name, extension.inputs.database, extension.inputs.schema], ["vector", "hive", "extensions"]);
        assert.ok(dependsOn(extension, schema) && dependsOn(extension, db));
        assert.equal(extension.retainOnDelete, true, "dropping vector would drop users' vector columns");
    });
});

describe("the default stack: roles and schemas", () => {
    let run: StackRun;
    before(async () => {
        run = await runStack();
    });

    it("gives each mode a least-privilege LOGIN role with its search_path", () => {
        const roles = run.ofType(TYPE.role).map((r) => r.inputs);
        assert.deepEqual(roles.map((r) => r.name).sort(), ["hive_agent", "hive_genie", "hive_workspace"]);
        for (const role of roles) {
            assert.equal(role.login, true, role.name);
            assert.equal(role.superuser, false, role.name);
            assert.equal(role.createDatabase, false, role.name);
            assert.equal(role.createRole, false, role.name);
            assert.ok(role.connectionLimit > 0 && role.connectionLimit < 200, `${role.name} connection limit ${role.connectionLimit}`);
        }
        for (const role of run.ofType(TYPE.role)) {
            assert.equal(role.retainOnDelete, true, `${role.name}: owns data, kept on delete`);
        }
        assert.deepEqual(run.get(TYPE.role, "hive-database-role-agent").inputs.searchPaths, ["agent", "extensions"]);
        assert.deepEqual(run.get(TYPE.role, "hive-database-role-workspace").inputs.searchPaths, ["public", "agno", "hive", "extensions"]);
    });

    it("gives each mode its own schemas, kept on delete", () => {
        const owners = run
            .ofType(TYPE.schema)
            .map((s) => `${s.inputs.database}.${s.inputs.name}:${s.inputs.owner ?? "admin"}`)
            .sort();
        assert.deepEqual(owners, [
            "hive.agent:hive_agent",
            "hive.agno:hive_workspace",
            "hive.extensions:admin",
            "hive.genie:hive_genie",
            "hive.hive:hive_workspace",
            "hive.public:hive_workspace",
        ]);
        for (const schema of run.ofType(TYPE.schema)) {
            assert.equal(schema.retainOnDelete, true, schema.name);
            assert.notEqual(schema.inputs.dropCascade, true, schema.name);
        }
        const agentSchema = run.get(TYPE.schema, "hive-database-schema-hive-agent");
        assert.ok(dependsOn(agentSchema, run.get(TYPE.role, "hive-database-role-agent")), "schema waits for its owner role");
    });
});

describe("the default stack: privileges and outputs", () => {
    let run: StackRun;
    before(async () => {
        run = await runStack();
    });

    it("grants exactly what each mode needs and revokes PUBLIC", () => {
        assert.deepEqual(grantTable(run), [
            // Each role owns its schemas (every privilege, no grant needed); CREATE on the database
            // lets the apps run `CREATE SCHEMA IF NOT EXISTS` at startup.
            "hive_agent hive - database: CONNECT,CREATE,TEMPORARY",
            "hive_genie hive - database: CONNECT,CREATE,TEMPORARY",
            "hive_workspace hive - database: CONNECT,CREATE,TEMPORARY",
            "public hive - database: (revoke all)",
            "public hive extensions schema: USAGE",
            "public hive public schema: (revoke all)",
        ]);
        for (const grant of run.ofType(TYPE.grant)) {
            assert.equal(grant.deleteBeforeReplace, true, grant.name);
        }
        assert.equal(run.ofType(TYPE.defaultPrivileges).length, 0, "no readers configured, no default privileges");
    });

    it("makes grants wait for the role, database and schema they name", () => {
        const connect = run.get(TYPE.grant, "hive-database-grant-hive_agent-hive-database");
        assert.ok(dependsOn(connect, run.get(TYPE.role, "hive-database-role-agent")));
        assert.ok(dependsOn(connect, run.get(TYPE.database, "hive-database-db-hive")));
        const extensions = run.get(TYPE.grant, "hive-database-grant-public-hive-extensions-schema");
        assert.ok(dependsOn(extensions, run.get(TYPE.schema, "hive-database-schema-hive-extensions")));
        const publicSchema = run.get(TYPE.grant, "hive-database-grant-public-hive-public-schema");
        assert.ok(dependsOn(publicSchema, run.get(TYPE.schema, "hive-database-schema-hive-public")), "after the owner change");
    });

    it("exports the server and per-mode facts", async () => {
        const o = run.outputs;
        assert.equal(o.serverHost, "127.0.0.1");
        assert.equal(o.serverPort, 5532);
        assert.equal(await unwrap(o.databaseName), "hive");
        assert.equal(await unwrap(o.containerName), "hive-postgres-shared");
        assert.equal(await unwrap(o.networkName), "app_network");
        assert.equal(await unwrap(o.volumeName), "hive-postgres-shared-data");
        assert.deepEqual(o.modeNames, ["workspace", "agent", "genie"]);
        assert.deepEqual(await unwrap(o.roles), { workspace: "hive_workspace", agent: "hive_agent", genie: "hive_genie" });
        assert.deepEqual(o.apiPorts, { workspace: 8886, agent: 38886, genie: 48886 });
        assert.deepEqual(o.schemas.agent, ["agent"]);
    });
});
