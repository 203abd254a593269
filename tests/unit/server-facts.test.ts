/**
 * What a profile cannot do on a server, judged from the facts the program's probe reads
 * (src/stack/model/server-facts.ts), and the first-connection failures that are the config's
 * (src/stack/program/connection-failures.ts). The real probe is run against real servers in
 * tests/integration/managed-server.test.ts.
 */
import { strict as assert } from "node:assert";

import { type ServerFacts, serverProblems } from "../../src/stack/model/server-facts";
import { installableByModes, type ServerProfile } from "../../src/stack/model/server-profiles";
import { configuredConnectionProblem } from "../../src/stack/program/connection-failures";
import { layoutOf, OWN_DATABASES_CONFIG } from "../fixtures/configs";

const offered = (trusted: string[], untrusted: string[] = []): Map<string, { trusted: boolean }> =>
    new Map([
        ...trusted.map((name): [string, { trusted: boolean }] => [name, { trusted: true }]),
        ...untrusted.map((name): [string, { trusted: boolean }] => [name, { trusted: false }]),
    ]);

/** A managed admin: CREATEDB, CREATEROLE, no event triggers; vector trusted, and the usual contrib extensions. */
const MANAGED: ServerFacts = {
    superuser: false,
    eventTriggers: false,
    available: offered(["vector", "citext", "pg_trgm", "plpgsql"], ["pg_stat_statements"]),
    settings: {},
    foreignRoles: [],
};

const DEFAULT_LAYOUT = layoutOf({});
const OWN_DATABASES = layoutOf(OWN_DATABASES_CONFIG);

const problems = (profile: ServerProfile, facts: Partial<ServerFacts>, layout = DEFAULT_LAYOUT) =>
    serverProblems({ ...MANAGED, ...facts }, { profile, address: "db:5432", adminUser: "hive_admin", layout });

// prettier-ignore
const CASES: Array<{ title: string; profile: ServerProfile; facts: Partial<ServerFacts>; layout?: typeof DEFAULT_LAYOUT; says: RegExp[] }> = [
    { title: "the default profile on a server whose admin is no superuser", profile: "superuser", facts: {}, says: [/^hive-db:server.profile: "superuser" \(the default\), but hive_admin is not a superuser on db:5432.*rds, cloudsql, azure\) or generic/] },
    { title: "rds where the admin may not create event triggers", profile: "rds", facts: {}, says: [/^hive-db:server.profile: "rds" installs the extension guard.*refuses event triggers to hive_admin; log in as the instance's master user, a member of rds_superuser/] },
    { title: "cloudsql where the admin may not create event triggers", profile: "cloudsql", facts: {}, says: [/cloudsqlsuperuser/] },
    { title: "generic with modes sharing a database and trusted extensions on offer", profile: "generic", facts: {},
      says: [/^hive-db:modes.agent.database: shares database "hive" with mode workspace.*\(citext, pg_trgm\).*modes.agent.database: hive_agent/, /^hive-db:modes.genie.database: shares database "hive" with mode workspace/] },
    { title: "azure whose allow-list has a trusted extension beyond the stack's", profile: "azure", facts: { settings: { "azure.extensions": "VECTOR, pg_trgm" } },
      says: [/^hive-db:modes.agent.database: .*\(pg_trgm\).*remove them from azure.extensions, or give each mode a database/, /modes.genie.database/] },
    { title: "azure without vector on its allow-list", profile: "azure", facts: { settings: { "azure.extensions": "citext" } },
      says: [/^hive-db:extensions: "vector" is not in azure.extensions on db:5432.*add it there/, /modes.agent.database: .*\(citext\)/, /modes.genie.database/] },
    { title: "rds with an allow-list that leaves vector out", profile: "rds", facts: { eventTriggers: true, settings: { "rds.allowed_extensions": "pg_trgm" } }, says: [/"vector" is not in rds.allowed_extensions/] },
    { title: "an extension the server does not have", profile: "rds", facts: { eventTriggers: true, available: offered([]) }, says: [/^hive-db:extensions: "vector" is not available on db:5432/] },
    { title: "generic where vector is not trusted", profile: "generic", facts: { available: offered([], ["vector"]) }, says: [/"vector" is not a trusted extension on db:5432 and hive_admin is not a superuser/] },
    { title: "a mode role made by another admin (PostgreSQL 16+)", profile: "generic", layout: OWN_DATABASES, facts: { foreignRoles: ["hive_genie"] },
      says: [/^hive-db:modes.genie.role: role hive_genie exists on db:5432 but hive_admin may not alter it.*GRANT hive_genie TO hive_admin WITH ADMIN OPTION/] },
];

describe("what a server profile cannot do on a server", () => {
    for (const { title, profile, facts, layout, says } of CASES) {
        it(`refuses ${title}`, () => {
            const found = problems(profile, facts, layout);
            assert.equal(found.length, says.length, found.join("\n"));
            says.forEach((pattern, index) => assert.match(found[index], pattern));
        });
    }

    it("accepts each profile on a server that lives up to it", () => {
        assert.deepEqual(problems("superuser", { superuser: true }), []);
        assert.deepEqual(problems("rds", { eventTriggers: true, settings: { "rds.allowed_extensions": "*" } }), []);
        assert.deepEqual(problems("cloudsql", { eventTriggers: true }), []);
        assert.deepEqual(problems("azure", { settings: { "azure.extensions": "vector" } }), []);
        assert.deepEqual(problems("generic", {}, OWN_DATABASES), []);
        assert.deepEqual(problems("generic", { available: offered(["vector", "plpgsql"]) }), [], "nothing else to install");
    });

    it("keeps the guard's profiles to the guard: a shared database is fine there", () => {
        assert.deepEqual(problems("rds", { eventTriggers: true }), []);
        // A superuser admin on a profile without the guard still gets no guard: the shared database is refused.
        assert.equal(problems("generic", { superuser: true }).length, 2);
    });

    it("counts as installable only trusted extensions, on the allow-list, that the stack does not create", () => {
        const available = offered(["vector", "citext", "pg_trgm", "plpgsql"], ["pg_stat_statements"]);
        assert.deepEqual(installableByModes("generic", available, {}, ["vector"]), ["citext", "pg_trgm"]);
        assert.deepEqual(installableByModes("azure", available, { "azure.extensions": "vector,citext,pg_stat_statements" }, ["vector"]), [
            "citext",
        ]);
        assert.deepEqual(installableByModes("azure", available, {}, ["vector"]), ["citext", "pg_trgm"], "no allow-list read: all of them");
    });
});

describe("a first connection that fails because of the config", () => {
    const login = { host: "127.0.0.1", port: 5432, sslmode: "verify-full" as const, sslrootcert: "/etc/hive/ca.pem" };
    // prettier-ignore
    const CASES: Array<[string, { reason: string; code?: string }, RegExp | undefined]> = [
        ["a CA that did not sign the certificate", { reason: "self-signed certificate in certificate chain", code: "SELF_SIGNED_CERT_IN_CHAIN" }, /^hive-db:server.sslrootcert: the certificate of 127.0.0.1:5432 is not signed by a CA in \/etc\/hive\/ca.pem/],
        ["a certificate for another host", { reason: "Hostname/IP does not match certificate's altnames", code: "ERR_TLS_CERT_ALTNAME_INVALID" }, /^hive-db:server.host: the certificate of 127.0.0.1:5432 does not name "127.0.0.1"/],
        ["an expired certificate", { reason: "certificate has expired", code: "CERT_HAS_EXPIRED" }, /^hive-db:server: the certificate .* is not valid now/],
        ["a root certificate file that is not there", { reason: "ENOENT: no such file", code: "ENOENT" }, /^hive-db:server.sslrootcert: cannot be read on this machine/],
        ["a server without TLS", { reason: "The server does not support SSL connections" }, /^hive-db:server.sslmode: 127.0.0.1:5432 offers no TLS/],
        ["a server that accepts TLS only", { reason: 'no pg_hba.conf entry for host "172.17.0.1", user "hive_admin", database "postgres", no encryption', code: "28000" }, /^hive-db:server.sslmode: .* accepts only TLS connections/],
        ["a server that is down", { reason: "connect ECONNREFUSED 127.0.0.1:5432", code: "ECONNREFUSED" }, undefined],
        ["a wrong password", { reason: "password authentication failed", code: "28P01" }, undefined],
    ];
    for (const [title, failure, expected] of CASES) {
        it(`${expected ? "names the key for" : "leaves to the retry and the usual message"} ${title}`, () => {
            const problem = configuredConnectionProblem(failure, login);
            if (expected === undefined) assert.equal(problem, undefined);
            else assert.match(problem ?? "", expected);
        });
    }
});
