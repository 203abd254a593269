import { strict as assert } from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { apiPortFor, bindMountUser, CONFIG_KEYS, ConfigError, containerDialHost, identifierProblem, parseConfig } from "../../lib/config";
import { resolveLayout } from "../../lib/layout";
import { engineConfig } from "./harness";

const ROOT = path.resolve(__dirname, "../..");

function problemsOf(config: Record<string, unknown>): string[] {
    try {
        parseConfig(engineConfig(config));
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.problems;
    }
    assert.fail(`config was accepted: ${JSON.stringify(config)}`);
}

describe("config defaults", () => {
    const config = parseConfig({});
    const layout = resolveLayout(config);

    it("reproduce the seeds' server", () => {
        assert.equal(config.container.image, "agnohq/pgvector:16");
        assert.equal(config.container.name, "hive-postgres-shared");
        assert.equal(config.container.hostPort, 5532);
        assert.equal(config.container.bindAddress, "127.0.0.1");
        assert.equal(config.container.network, "app_network");
        assert.equal(config.container.pgdata, "/var/lib/postgresql/data/pgdata");
        assert.deepEqual(config.container.serverFlags, { max_connections: "200", shared_buffers: "256MB", effective_cache_size: "1GB" });
        assert.equal(config.database, "hive");
        assert.equal(config.server, undefined);
    });

    it("reproduce the design brief's mode table", () => {
        const table = layout.modes.map((m) => [m.name, m.role, m.schemas.join(","), m.searchPath.join(","), m.apiPort, m.database]);
        assert.deepEqual(table, [
            ["workspace", "hive_workspace", "public,agno,hive", "public,agno,hive,extensions", 8886, "hive"],
            ["agent", "hive_agent", "agent", "agent,extensions", 38886, "hive"],
            ["genie", "hive_genie", "genie", "genie,extensions", 48886, "hive"],
        ]);
    });

    it("match the defaults Pulumi.yaml declares", () => {
        const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
            config: Record<string, { default: unknown }>;
        };
        const declared = Object.entries(project.config);
        assert.ok(declared.length >= 5, "Pulumi.yaml declares its scalar keys");
        for (const [key, spec] of declared) {
            const name = key.replace(/^hive-db:/, "") as keyof typeof config;
            assert.deepEqual(config[name], spec.default, `${key}: Pulumi.yaml says ${JSON.stringify(spec.default)}`);
        }
    });

    it("are what the dev stack (Pulumi.dev.yaml) spells out", () => {
        const dev = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
        assert.deepEqual(parseConfig(engineConfig(dev.config)), config);
    });
});

describe("config validation", () => {
    const cases: { name: string; config: Record<string, unknown>; key: string; says: RegExp }[] = [
        {
            name: "a mode name that is not an identifier",
            config: { modes: { "Agent-1": { schemas: ["a"] } } },
            key: "hive-db:modes.Agent-1",
            says: /not a safe SQL identifier/,
        },
        {
            name: "a schema with a quote",
            config: { modes: { agent: { schemas: ['a"; drop'] } } },
            key: "hive-db:modes.agent.schemas.0",
            says: /not a safe SQL identifier/,
        },
        {
            name: "a pg_ schema",
            config: { modes: { agent: { schemas: ["pg_agent"] } } },
            key: "hive-db:modes.agent.schemas.0",
            says: /reserved by PostgreSQL/,
        },
        {
            name: "information_schema",
            config: { modes: { agent: { schemas: ["information_schema"] } } },
            key: "hive-db:modes.agent.schemas.0",
            says: /reserved by PostgreSQL/,
        },
        {
            name: "a reserved keyword",
            config: { modes: { user: { schemas: ["agent"] } } },
            key: "hive-db:modes.user",
            says: /reserved SQL keyword/,
        },
        {
            name: "a 64-byte schema",
            config: { modes: { agent: { schemas: ["s".repeat(64)] } } },
            key: "hive-db:modes.agent.schemas.0",
            says: /63-byte/,
        },
        {
            name: "a role name pushed past 63 bytes by its prefix",
            config: { modes: { ["m".repeat(60)]: { schemas: ["a"] } } },
            key: `hive-db:modes.${"m".repeat(60)}.role`,
            says: /63-byte/,
        },
        {
            name: "a mode with no schema",
            config: { modes: { agent: { schemas: [] } } },
            key: "hive-db:modes.agent.schemas",
            says: /at least one schema/,
        },
        {
            name: "two modes owning one schema",
            config: { modes: { a: { schemas: ["x"] }, b: { schemas: ["x"], apiPort: 9000 } } },
            key: "hive-db:modes.b.schemas",
            says: /already owned by mode a/,
        },
        {
            name: "a mode owning the extensions schema",
            config: { modes: { a: { schemas: ["extensions"] } } },
            key: "hive-db:modes.a.schemas",
            says: /extensions schema/,
        },
        {
            name: "duplicate API ports",
            config: { modes: { a: { schemas: ["a"], apiPort: 9000 }, b: { schemas: ["b"], apiPort: 9000 } } },
            key: "hive-db:modes.b.apiPort",
            says: /port 9000 is already used by hive-db:modes.a.apiPort/,
        },
        {
            name: "two modes on the base port",
            config: { modes: { a: { schemas: ["a"] }, b: { schemas: ["b"] } } },
            key: "hive-db:apiBasePort (mode b)",
            says: /port 8886 is already used/,
        },
        {
            name: "an API port on the database port",
            config: { modes: { a: { schemas: ["a"], apiPort: 5532 } } },
            key: "hive-db:modes.a.apiPort",
            says: /already used by hive-db:container.hostPort/,
        },
        {
            name: "a prefixed API port above 65535",
            config: { modes: { a: { schemas: ["a"], apiPortPrefix: 7 } } },
            key: "hive-db:modes.a.apiPortPrefix",
            says: /78886 is above 65535/,
        },
        {
            name: "a two-digit prefix",
            config: { modes: { a: { schemas: ["a"], apiPortPrefix: 12 } } },
            key: "hive-db:modes.a.apiPortPrefix",
            says: /single digit/,
        },
        {
            name: "a host port out of range",
            config: { container: { hostPort: 70000 } },
            key: "hive-db:container.hostPort",
            says: /between 1 and 65535/,
        },
        { name: "a port of zero", config: { apiBasePort: 0 }, key: "hive-db:apiBasePort", says: /between 1 and 65535/ },
        {
            name: "a port that is text",
            config: { container: { hostPort: "fivefive" } },
            key: "hive-db:container.hostPort",
            says: /port number/,
        },
        {
            name: "an unknown top-level key",
            config: { databse: "hive" },
            key: "hive-db",
            says: /unknown key\(s\) "databse"; valid keys: database,/,
        },
        {
            name: "an unknown mode key",
            config: { modes: { a: { schemas: ["a"], apiport: 1 } } },
            key: "hive-db:modes.a",
            says: /unknown key\(s\) "apiport"; valid keys: schemas, role,/,
        },
        {
            name: "an unknown container key",
            config: { container: { hostport: 1 } },
            key: "hive-db:container",
            says: /"hostport"; valid keys: image,/,
        },
        {
            name: "a non-loopback bind without opt-in",
            config: { container: { bindAddress: "0.0.0.0" } },
            key: "hive-db:container.bindAddress",
            says: /allowNonLoopbackBind/,
        },
        {
            name: "a host name as bind address",
            config: { container: { bindAddress: "localhost" } },
            key: "hive-db:container.bindAddress",
            says: /must be an IP address/,
        },
        {
            name: "a 127-looking host name",
            config: { container: { bindAddress: "127.example.com" } },
            key: "hive-db:container.bindAddress",
            says: /must be an IP address/,
        },
        {
            name: "an IPv6 wildcard without opt-in",
            config: { container: { bindAddress: "::" } },
            key: "hive-db:container.bindAddress",
            says: /allowNonLoopbackBind/,
        },
        {
            name: "a PGDATA off the volume",
            config: { container: { pgdata: "/var/lib/postgresql/pgdata" } },
            key: "hive-db:container.pgdata",
            says: /under it/,
        },
        {
            name: "a PGDATA escaping the volume",
            config: { container: { pgdata: "/var/lib/postgresql/data/../x" } },
            key: "hive-db:container.pgdata",
            says: /under it/,
        },
        {
            name: "adopting a database the stack does not manage",
            config: { adoptDatabases: ["other"] },
            key: "hive-db:adoptDatabases",
            says: /"other" is not a database of this stack; valid: hive/,
        },
        {
            name: "a relative data directory",
            config: { container: { dataDirectory: "data/postgres" } },
            key: "hive-db:container.dataDirectory",
            says: /absolute/,
        },
        {
            name: "a user without a bind mount",
            config: { container: { user: "1000:1000" } },
            key: "hive-db:container.user",
            says: /only applies with container.dataDirectory/,
        },
        {
            name: "a malformed user",
            config: { container: { dataDirectory: "/d", user: "me" } },
            key: "hive-db:container.user",
            says: /UID:GID/,
        },
        {
            name: "a reader that is not a mode",
            config: { modes: { a: { schemas: ["a"], readers: ["ghost"] } } },
            key: "hive-db:modes.a.readers",
            says: /unknown mode "ghost"; valid modes: a/,
        },
        {
            name: "a mode reading itself",
            config: { modes: { a: { schemas: ["a"], readers: ["a"] } } },
            key: "hive-db:modes.a.readers",
            says: /itself/,
        },
        {
            name: "two modes sharing a role",
            config: { modes: { a: { schemas: ["a"], role: "r" }, b: { schemas: ["b"], role: "r", apiPort: 9000 } } },
            key: "hive-db:modes.b.role",
            says: /already mode a's/,
        },
        {
            name: "a mode using the admin role",
            config: { modes: { a: { schemas: ["a"], role: "hive_admin" } } },
            key: "hive-db:modes.a.role",
            says: /admin user/,
        },
        {
            name: "an external server without admin password",
            config: { server: { host: "db.example" } },
            key: "hive-db:adminPassword",
            says: /required with hive-db:server/,
        },
        { name: "an external server without host", config: { server: {} }, key: "hive-db:server.host", says: /string/ },
        { name: "an unknown sslmode", config: { server: { host: "h", sslmode: "on" } }, key: "hive-db:server.sslmode", says: /require/ },
        {
            name: "a server flag with a space",
            config: { container: { serverFlags: { max_connections: "2 00" } } },
            key: "hive-db:container.serverFlags.max_connections",
            says: /without whitespace/,
        },
        { name: "no modes at all", config: { modes: {} }, key: "hive-db:modes", says: /at least one mode/ },
    ];

    for (const c of cases) {
        it(`rejects ${c.name}, naming ${c.key}`, () => {
            const problems = problemsOf(c.config);
            const named = problems.filter((p) => p.startsWith(`${c.key}: `));
            assert.ok(named.length > 0, `no problem names ${c.key}: ${JSON.stringify(problems)}`);
            assert.ok(
                named.some((p) => c.says.test(p)),
                `${JSON.stringify(named)} should match ${c.says}`,
            );
        });
    }

    it("lists every problem at once", () => {
        const problems = problemsOf({ apiBasePort: 0, container: { hostPort: 0 } });
        assert.equal(problems.length, 2, JSON.stringify(problems));
    });

    it("takes any loopback IP without opt-in", () => {
        for (const address of ["127.0.0.1", "127.0.0.53", "::1"]) {
            assert.equal(parseConfig(engineConfig({ container: { bindAddress: address } })).container.bindAddress, address);
        }
    });

    it("accepts a wider bind address when opted in, and dials loopback for a wildcard", () => {
        const config = parseConfig(engineConfig({ container: { bindAddress: "0.0.0.0", allowNonLoopbackBind: true } }));
        assert.equal(containerDialHost(config.container), "127.0.0.1");
    });

    it("never reads the admin password's value", () => {
        const config = parseConfig(engineConfig({ server: { host: "db" }, adminPassword: "{not json" }));
        assert.ok(!JSON.stringify(config).includes("not json"));
    });

    it("accepts values as Pulumi hands scalars over: as text", () => {
        const config = parseConfig({ "hive-db:apiBasePort": "9000", "hive-db:adoptDatabases": '["hive"]', "docker:host": "unix:///x" });
        assert.equal(config.apiBasePort, 9000);
        assert.deepEqual(config.adoptDatabases, ["hive"]);
    });
});

describe("naming helpers", () => {
    it("computes API ports from prefix digits", () => {
        const mode = (extra: object) => ({
            schemas: ["a"],
            readers: [],
            connectionLimit: 1,
            passwordRotation: 0,
            apiKeyRotation: 0,
            ...extra,
        });
        assert.equal(apiPortFor(mode({ apiPortPrefix: 3 }), 8886), 38886);
        assert.equal(apiPortFor(mode({ apiPortPrefix: 4 }), 8886), 48886);
        assert.equal(apiPortFor(mode({ apiPortPrefix: 2 }), 700), 2700);
        assert.equal(apiPortFor(mode({}), 8886), 8886);
        assert.equal(apiPortFor(mode({ apiPortPrefix: 3, apiPort: 9999 }), 8886), 9999);
    });

    it("accepts the seeds' names and rejects unsafe ones", () => {
        for (const ok of ["hive", "agno", "public", "hive_agent", "_x1"]) {
            assert.equal(identifierProblem(ok), undefined, ok);
        }
        for (const bad of ["", "1x", "A", "x-y", "x y", "pg_x", "select", "ä"]) {
            assert.notEqual(identifierProblem(bad), undefined, bad);
        }
    });

    it("runs a bind-mounted server as the host user unless told otherwise", () => {
        const container = parseConfig(engineConfig({ container: { dataDirectory: "/srv/pg" } })).container;
        assert.equal(
            bindMountUser(container, () => ({ uid: 1234, gid: 99 })),
            "1234:99",
        );
        const pinned = parseConfig(engineConfig({ container: { dataDirectory: "/srv/pg", user: "1000:1000" } })).container;
        assert.equal(
            bindMountUser(pinned, () => assert.fail("host ids not needed")),
            "1000:1000",
        );
    });
});

describe("the README's config reference", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const reference = readme.slice(readme.indexOf("## Configuration reference"), readme.indexOf("## Outputs reference"));
    /** Keys in the first column of the table that follows `heading`. */
    function tableKeys(heading: RegExp): string[] {
        const start = reference.search(heading);
        assert.ok(start >= 0, `README has ${heading}`);
        const lines = reference.slice(start).split("\n");
        const table = lines.slice(lines.findIndex((line) => line.startsWith("|")));
        const rows = table.slice(
            0,
            table.findIndex((line) => !line.startsWith("|")),
        );
        return rows.slice(2).map((row) => /^\| `([^`]+)`/.exec(row)?.[1] ?? `unparsed: ${row}`);
    }
    const sections: [string, RegExp, string[]][] = [
        ["top level", /Every key is in the `hive-db` namespace/, CONFIG_KEYS.top],
        ["modes", /^`modes\.<mode>`:/m, CONFIG_KEYS.mode],
        ["container", /^`container`:/m, CONFIG_KEYS.container],
        ["server", /^`server` \(/m, CONFIG_KEYS.server],
    ];
    for (const [name, heading, keys] of sections) {
        it(`documents exactly the ${name} keys the code accepts`, () => {
            assert.deepEqual(tableKeys(heading).sort(), [...keys].sort());
        });
    }
});
