import { strict as assert } from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { ConfigError, parseConfig } from "../../src/stack/config";
import { BAD_CONFIGS, TRICKY_VALID_CONFIGS } from "../fixtures/bad-configs";
import { containerDialHost } from "../../src/stack/model/naming";
import { resolveLayout } from "../../src/stack/model/layout";
import { configOf, engineConfig, engineSecretKeys } from "../fixtures/configs";

const ROOT = path.resolve(__dirname, "../..");

function problemsOf(config: Record<string, unknown>, secretKeys?: readonly string[]): string[] {
    try {
        configOf(config, secretKeys);
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.problems;
    }
    assert.fail(`config was accepted: ${JSON.stringify(config)}`);
}

describe("config defaults", () => {
    const config = configOf({});
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
            // Through the schema, so a declared map gets its nested defaults as the program's does.
            assert.deepEqual(
                configOf({ [name]: spec.default })[name],
                config[name],
                `${key}: Pulumi.yaml says ${JSON.stringify(spec.default)}`,
            );
        }
    });
});

/** Every string and number a config value holds: what a key set with `--secret` must never show. */
function leafValues(value: unknown): string[] {
    if (typeof value === "string" || typeof value === "number") return String(value) === "" ? [] : [String(value)];
    if (Array.isArray(value)) return value.flatMap(leafValues);
    if (typeof value === "object" && value !== null) return Object.values(value).flatMap(leafValues);
    return [];
}

describe("config validation", () => {
    for (const c of BAD_CONFIGS) {
        it(`rejects ${c.name}, naming ${c.key}`, () => {
            const problems = problemsOf(c.config, c.secretKeys);
            const named = problems.filter((p) => p.startsWith(`${c.key}: `));
            assert.ok(named.length > 0, `no problem names ${c.key}: ${JSON.stringify(problems)}`);
            assert.ok(
                named.some((p) => c.says.test(p)),
                `${JSON.stringify(named)} should match ${c.says}`,
            );
            for (const secret of [...(c.secretKeys ?? []), "adminPassword"].flatMap((key) => leafValues(c.config[key]))) {
                assert.ok(!problems.join("\n").includes(secret), `a secret value is shown: ${JSON.stringify(problems)}`);
            }
        });
    }
});

describe("config validation: tricky but valid", () => {
    for (const c of TRICKY_VALID_CONFIGS) {
        it(`accepts ${c.name}`, () => {
            const config = configOf(c.config, ["adminPassword", ...Object.keys(c.secrets ?? {})]);
            const modes = c.config.modes as Record<string, unknown> | undefined;
            assert.deepEqual(Object.keys(config.modes), modes ? Object.keys(modes) : ["workspace", "agent", "genie"]);
        });
    }
});

describe("config validation: what passes", () => {
    it("lists every problem at once", () => {
        const problems = problemsOf({ apiBasePort: 0, container: { hostPort: 0 } });
        assert.equal(problems.length, 2, JSON.stringify(problems));
    });

    it("takes any loopback IP without opt-in", () => {
        for (const address of ["127.0.0.1", "127.0.0.53", "::1"]) {
            assert.equal(configOf({ container: { bindAddress: address } }).container.bindAddress, address);
        }
    });

    it("accepts a wider bind address when opted in, and dials loopback for a wildcard", () => {
        const config = configOf({ container: { bindAddress: "0.0.0.0", allowNonLoopbackBind: true } });
        assert.equal(containerDialHost(config.container), "127.0.0.1");
    });

    it("writes IPv6 addresses canonically, as every URL parser reads them back", () => {
        assert.equal(configOf({ server: { host: "2001:0DB8:0:0::10" } }).server?.host, "2001:db8::10");
        assert.equal(configOf({ container: { bindAddress: "0:0::1" } }).container.bindAddress, "::1");
    });

    it("never reads the admin password's value", () => {
        const config = configOf({ server: { host: "db" }, adminPassword: "{not json" });
        assert.ok(!JSON.stringify(config).includes("not json"));
    });

    it("accepts values as Pulumi hands scalars over: as text", () => {
        const config = parseConfig(
            { ...engineConfig({}), "hive-db:apiBasePort": "9000", "hive-db:adoptDatabases": '["hive"]', "docker:host": "unix:///x" },
            engineSecretKeys(),
        );
        assert.equal(config.apiBasePort, 9000);
        assert.deepEqual(config.adoptDatabases, ["hive"]);
    });
});
