/**
 * The managed-style test server (managed-server.ts) is what its table says, and the program's
 * first look at a server (src/stack/program/probes.ts, server-facts.ts) reads it right: what the
 * engine tests (tests/engine/managed.test.ts) then run the whole stack against.
 */
import { strict as assert } from "node:assert";

import { layoutOf, OWN_DATABASES_CONFIG } from "../fixtures/configs";
import { serverProblems, type ServerFacts } from "../../src/stack/model/server-facts";
import type { ServerProfile } from "../../src/stack/model/server-profiles";
import { configuredConnectionProblem } from "../../src/stack/program/connection-failures";
import { type AdminCredentials, REAL_PROBES, type ServerInventory } from "../../src/stack/program/probes";
import { errorCode, withClient } from "./helpers";
import { type ManagedServer, useManagedServer } from "./managed-server";

const ROLES = ["hive_workspace", "hive_agent", "hive_genie"];

/** The program's probe, as `up` runs it against this server. */
function probe(server: ManagedServer, sslrootcert = server.caFile): Promise<ServerInventory> {
    const admin: AdminCredentials = {
        host: "127.0.0.1",
        port: server.port,
        user: server.admin.user,
        password: server.admin.password,
        database: "postgres",
        sslmode: "verify-full",
        sslrootcert,
    };
    return REAL_PROBES.server(admin, { databases: ["hive"], roles: ROLES }, 0);
}

async function factsOf(server: ManagedServer): Promise<ServerFacts> {
    const inventory = await probe(server);
    assert.ok(inventory.reachable, inventory.reachable ? "" : inventory.reason);
    return inventory.facts;
}

const problemsOn = (facts: ServerFacts, profile: ServerProfile, config: Record<string, unknown> = {}) =>
    serverProblems(facts, { profile, address: "managed", adminUser: "hive_admin", layout: layoutOf(config) });

/** A wrong CA and a certificate for another host fail the program's probe with the key to change. */
async function assertTlsFailuresNamed(server: ManagedServer): Promise<void> {
    const login = { host: "127.0.0.1", port: server.port, sslmode: "verify-full" as const, sslrootcert: server.otherCaFile };
    const wrongCa = await probe(server, server.otherCaFile);
    assert.ok(!wrongCa.reachable);
    assert.match(
        configuredConnectionProblem(wrongCa, login) ?? wrongCa.reason,
        /^hive-db:server.sslrootcert: the certificate of .* is not signed/,
    );
    await server.useCertificate("wrong-host");
    try {
        const wrongHost = await probe(server);
        assert.ok(!wrongHost.reachable);
        assert.match(
            configuredConnectionProblem(wrongHost, login) ?? wrongHost.reason,
            /^hive-db:server.host: the certificate .* does not name "127.0.0.1"/,
        );
    } finally {
        await server.useCertificate("right");
    }
}

describe("the managed-style server, without an extension allow-list (generic)", function () {
    this.timeout(120_000);
    const context = useManagedServer();

    it("accepts the admin only over TLS: without it, pg_hba.conf has no line", async () => {
        const { server } = context;
        const refusal = await errorCode(withClient({ ...server.adminConfig(), ssl: false }, async () => undefined));
        assert.equal(refusal, "28000");
        await withClient(server.adminConfig(), (client) => client.query("SELECT 1"));
    });

    it("has an admin that is no superuser: CREATEDB, CREATEROLE, a member of platform_admin, no event triggers", async () => {
        const { server } = context;
        const [role] = await withClient(server.adminConfig(), async (client) => {
            const { rows } = await client.query(
                `SELECT rolsuper, rolcreatedb, rolcreaterole, pg_has_role(current_user, 'platform_admin', 'MEMBER') AS platform
                 FROM pg_roles WHERE rolname = current_user`,
            );
            return rows;
        });
        assert.deepEqual(role, { rolsuper: false, rolcreatedb: true, rolcreaterole: true, platform: true });
        const facts = await factsOf(server);
        assert.deepEqual([facts.superuser, facts.eventTriggers], [false, false]);
        assert.deepEqual(facts.available.get("vector"), { trusted: true });
        assert.deepEqual(facts.settings, {});
    });

    it("is refused by the profiles that need what it lacks, and by generic for modes sharing a database", async () => {
        const facts = await factsOf(context.server);
        assert.match(problemsOn(facts, "superuser").join("\n"), /hive_admin is not a superuser/);
        assert.match(problemsOn(facts, "rds").join("\n"), /refuses event triggers to hive_admin/);
        assert.match(problemsOn(facts, "generic").join("\n"), /modes.agent.database: shares database "hive" with mode workspace.*citext/);
        assert.deepEqual(problemsOn(facts, "generic", OWN_DATABASES_CONFIG), []);
    });

    it("fails the first connection with the key to change when the CA or the host name is wrong", () =>
        assertTlsFailuresNamed(context.server));

    it("counts a mode role the operator made as one the admin may not alter (PostgreSQL 16+), and its own as its", async () => {
        const { server } = context;
        await server.asOperator("CREATE ROLE hive_genie LOGIN");
        await withClient(server.adminConfig(), (client) => client.query("CREATE ROLE hive_agent LOGIN"));
        try {
            assert.deepEqual((await factsOf(server)).foreignRoles, ["hive_genie"]);
        } finally {
            await server.asOperator("DROP ROLE hive_genie; DROP ROLE hive_agent");
        }
    });
});

describe("the managed-style server with azure.extensions = vector", function () {
    this.timeout(120_000);
    const context = useManagedServer({ allowList: ["vector"] });

    it("shows the allow-list, and lets the admin create vector but no other extension, in a database it creates from template0 (as the provider does)", async () => {
        const { server } = context;
        assert.deepEqual((await factsOf(server)).settings, { "azure.extensions": "vector" });
        await withClient(server.adminConfig(), (client) => client.query("CREATE DATABASE allow_list_test TEMPLATE template0"));
        try {
            await withClient(server.adminConfig("allow_list_test"), async (client) => {
                await client.query("CREATE EXTENSION vector");
                await assert.rejects(client.query("CREATE EXTENSION citext"), /extension "citext" is not allow-listed/);
                // The list is the operator's: a session cannot widen it.
                await client.query("SET azure.extensions = 'vector,citext'");
                await assert.rejects(client.query("CREATE EXTENSION citext"), /not allow-listed/);
            });
        } finally {
            await withClient(server.adminConfig(), (client) => client.query("DROP DATABASE allow_list_test"));
        }
    });

    it("is accepted by the azure profile for modes sharing a database", async () => {
        assert.deepEqual(problemsOn(await factsOf(context.server), "azure"), []);
    });
});
