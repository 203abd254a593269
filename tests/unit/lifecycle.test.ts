/**
 * What makes day 2 work, as the engine receives it: `destroy` needs no hand steps and keeps the data,
 * a later `up` takes over what was kept, grants never race, the network is used but never taken, and
 * a server that should answer and does not stops the program before the database layer.
 */
import { strict as assert } from "assert";
import { needsOrdering, planPrivileges, privilegeObject } from "../../src/stack/model/privileges";
import { layoutOf, SEED_004_CONFIG } from "../fixtures/configs";
import { extensionGuardSql } from "../../src/stack/model/extension-guard-sql";
import { guardsOf, lastRegisteredTypes, runFailingStack, runStack, type StackRun } from "./harness";
import { isSecretInput } from "../fixtures/pulumi-values";
import { TYPE } from "../../src/stack/resources";

describe("destroy keeps the data", () => {
    let run: StackRun;
    before(async () => (run = await runStack()));

    it("protects nothing, so `pulumi destroy` runs without hand steps", () => {
        assert.deepEqual(
            run.resources.filter((r) => r.protect).map((r) => r.name),
            [],
        );
    });

    it("keeps the volume, databases, schemas, extensions, roles and the guard on delete", () => {
        const dataTypes: string[] = [TYPE.database, TYPE.schema, TYPE.extension, TYPE.role, TYPE.volume];
        const kept = [...run.resources.filter((r) => dataTypes.includes(r.type)), ...guardsOf(run)];
        assert.ok(kept.length > 10, `${kept.length} resources`);
        assert.deepEqual(
            kept.filter((r) => !r.retainOnDelete).map((r) => r.name),
            [],
        );
    });

    it("revokes what it granted: a reader taken out of config loses its access", () => {
        const privileges = run.resources.filter((r) => r.type === TYPE.grant || r.type === TYPE.defaultPrivileges);
        assert.ok(privileges.length > 3);
        assert.deepEqual(
            privileges.filter((r) => r.retainOnDelete).map((r) => r.name),
            [],
        );
    });

    it("removes the container and the network the stack created", () => {
        assert.equal(run.get(TYPE.container, "hive-postgres-container").retainOnDelete, false);
        assert.equal(run.get(TYPE.network, "hive-postgres-network").retainOnDelete, false);
    });
});

describe("grants on one catalog object never run at once", () => {
    for (const [title, config, minimumChained] of [
        ["the default layout", {}, 0],
        ["seed 004's layout", SEED_004_CONFIG, 1],
    ] as const) {
        it(`${title}: each waits for the previous one on its object`, async () => {
            const run = await runStack(config);
            const { grants, defaultPrivileges } = planPrivileges(layoutOf(config));
            const urnOf = (resourceName: string) => run.resources.find((r) => r.name === resourceName)?.urn ?? "";
            const previous = new Map<string, string>();
            let chained = 0;
            // Database grants are ordered by the provider's own lock on the database (needsOrdering).
            for (const spec of [...grants, ...defaultPrivileges].filter(needsOrdering)) {
                const kind = "owner" in spec ? "defaults" : "grant";
                const resource = run.resources.find((r) => r.name === `hive-database-${kind}-${spec.name}`);
                assert.ok(resource, spec.name);
                const before = previous.get(privilegeObject(spec));
                if (before !== undefined) {
                    assert.ok(resource.dependencies.includes(urnOf(before)), `${resource.name} waits for ${before}`);
                    chained += 1;
                }
                previous.set(privilegeObject(spec), resource.name);
            }
            assert.ok(chained >= minimumChained, `${chained} grants wait for another on their object`);
        });
    }
});

describe("the Docker network", () => {
    it("is created, labelled as this stack's, when it does not exist", async () => {
        const run = await runStack();
        const network = run.get(TYPE.network, "hive-postgres-network");
        assert.deepEqual(network.inputs.labels, { "dev.automagik.hive-db.stack": "hive-db/dev" });
        assert.equal(network.inputs.name, "app_network");
    });

    it("is joined, never declared, when it exists and is not this stack's (compose's app_network)", async () => {
        const run = await runStack({}, {}, { network: { id: "n1", labels: { "com.docker.compose.network": "app_network" } } });
        assert.deepEqual(
            run.ofType(TYPE.network).filter((r) => r.name === "hive-postgres-network"),
            [],
        );
        assert.deepEqual(run.get(TYPE.container, "hive-postgres-container").inputs.networksAdvanced, [
            { name: "app_network", aliases: ["postgres"] },
        ]);
    });

    it("is declared when it is this stack's but missing from the state (its create takes it over: integration test)", async () => {
        const run = await runStack({}, {}, { network: { id: "n2", labels: { "dev.automagik.hive-db.stack": "hive-db/dev" } } });
        const network = run.get(TYPE.network, "hive-postgres-network");
        assert.equal(network.inputs.name, "app_network");
        assert.ok(network.dependencies.length >= 0);
    });
});

describe("a server that should answer and does not", () => {
    it("stops `up` before any database resource, saying how to repair it", async () => {
        await assert.rejects(runStack({}, {}, { unreachable: { reason: "connect ECONNREFUSED 127.0.0.1:5532" } }), (error: Error) => {
            assert.match(error.message, /cannot reach the server at 127\.0\.0\.1:5532 \(connect ECONNREFUSED/);
            assert.match(error.message, /npm run up/);
            assert.match(
                error.message,
                /pulumi refresh --target 'urn:pulumi:dev::hive-db::hive-db:docker:PostgresContainer\$docker:index\/container:Container::hive-postgres-container'/,
            );
            return true;
        });
        assert.deepEqual(
            lastRegisteredTypes().filter((type) => type.startsWith("postgresql:")),
            [],
        );
    });

    it("names hive-db:adminPassword when the server rejects it", async () => {
        await assert.rejects(
            runStack({}, {}, { unreachable: { reason: "password authentication failed", code: "28P01" } }),
            /the server rejects hive-db:adminPassword for hive_admin/,
        );
    });
});

describe("an existing server the config cannot use", () => {
    const server = { host: "db.example.com", sslmode: "verify-full", sslrootcert: "/etc/hive/ca.pem" };

    it("stops the program before it registers anything when the certificate is not the configured CA's", async () => {
        const unreachable = { reason: "self-signed certificate in certificate chain", code: "SELF_SIGNED_CERT_IN_CHAIN" };
        const { error, registered } = await runFailingStack({ server }, {}, { unreachable });
        assert.match(
            String(error),
            /nothing was changed:\n {2}- hive-db:server.sslrootcert: the certificate of db.example.com:5432 is not signed/,
        );
        assert.equal(registered, 0);
    });

    it("stops the program before it registers anything when the server is not what the profile says", async () => {
        const { error, registered } = await runFailingStack({ server }, {}, { facts: { superuser: false } });
        assert.match(String(error), /hive-db:server.profile: "superuser" \(the default\), but hive_admin is not a superuser/);
        assert.equal(registered, 0);
    });
});

describe("the extension guard", () => {
    it("is installed in every managed database, after its extensions schema, with the admin's secret password", async () => {
        const run = await runStack(SEED_004_CONFIG);
        const guards = guardsOf(run);
        assert.deepEqual(guards.map((guard) => guard.name).sort(), [
            "hive-database-guard-claude_flow_shared",
            "hive-database-guard-distributed_postgres_cluster",
            "hive-database-guard-qradar_vectors",
        ]);
        for (const guard of guards) {
            assert.deepEqual(guard.inputs.statements, extensionGuardSql("extensions", "hive_admin"));
            assert.ok(isSecretInput(guard.inputs.url), `${guard.name}: the admin's URL is a secret`);
            assert.equal(guard.retainOnDelete, true);
            const database = guard.name.replace("hive-database-guard-", "");
            const schema = run.get(TYPE.schema, `hive-database-schema-${database}-extensions`);
            assert.ok(guard.dependencies.includes(schema.urn), `${guard.name} waits for ${schema.name}`);
        }
    });

    it("is left out on the profiles whose admin may not create event triggers (azure, generic)", async () => {
        // vector is trusted there, the one way such an admin may create it, and the only trusted extension.
        const managed = { superuser: false, eventTriggers: false, available: new Map([["vector", { trusted: true }]]) };
        for (const server of [
            { host: "db.internal", profile: "generic" },
            { host: "db.internal", profile: "azure", sslmode: "verify-full", sslrootcert: "system" },
        ]) {
            const run = await runStack({ server }, {}, { facts: managed });
            assert.deepEqual(guardsOf(run), [], server.profile);
        }
    });

    it("is installed by a managed admin that may create event triggers (rds, cloudsql), letting that admin through", async () => {
        for (const profile of ["rds", "cloudsql"]) {
            const server = { host: "db.internal", profile, sslmode: "verify-full", sslrootcert: "system" };
            const run = await runStack({ server, adminUser: "postgres" }, {}, { facts: { superuser: false, eventTriggers: true } });
            const [guard] = guardsOf(run);
            assert.deepEqual(guard.inputs.statements, extensionGuardSql("extensions", "postgres"), profile);
        }
    });
});
