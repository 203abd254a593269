import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { parse } from "pg-connection-string";
import { dotenvLine } from "../../src/stack/model/dotenv";
import { modeConnection } from "../../src/stack/model/outputs";
import { ConnectionParts, libpqUrl, sqlalchemyUrl } from "../../src/stack/model/urls";

const RESERVED_PASSWORDS = ["p@ss:w/rd?#%& +", "%41%", "a b", "@@@", "::", "//", "?#&=", "+plus+", "ünïcødé"];

const agent = (password: string): ConnectionParts => ({
    host: "127.0.0.1",
    port: 5532,
    database: "hive",
    user: "hive_agent",
    password,
    searchPath: ["agent", "extensions"],
});

describe("connection URLs", () => {
    for (const password of RESERVED_PASSWORDS) {
        it(`round-trips the password ${JSON.stringify(password)} through a libpq-compatible parser`, () => {
            const parsed = parse(libpqUrl(agent(password)));
            assert.equal(parsed.password, password);
            assert.equal(parsed.user, "hive_agent");
            assert.equal(parsed.database, "hive");
            assert.equal(parsed.host, "127.0.0.1");
            assert.equal(parsed.port, "5532");
            assert.equal((parsed as Record<string, unknown>).options, "-csearch_path=agent,extensions");
        });
    }

    it("percent-encodes the options value instead of the seeds' raw '=' form", () => {
        const url = libpqUrl(agent("x"));
        const query = url.slice(url.indexOf("?") + 1);
        assert.equal(query.split("=").length, 2, `exactly one '=' in ${query}`);
        assert.match(query, /^options=-csearch_path%3Dagent%2Cextensions$/);
    });

    it("encodes reserved characters in the user name too", () => {
        const parsed = parse(libpqUrl({ ...agent("x"), user: "we:ird@user" }));
        assert.equal(parsed.user, "we:ird@user");
    });

    it("brackets an IPv6 host so its colons are not read as a port", () => {
        const parsed = parse(libpqUrl({ ...agent("x"), host: "::1" }));
        assert.equal(parsed.host, "::1");
        assert.equal(parsed.port, "5532");
    });
});

describe("connection URLs: what no URL can carry", () => {
    const cases: Array<[string, Partial<ConnectionParts>, RegExp]> = [
        ["a socket directory", { host: "/var/run/postgresql" }, /host .*Unix-socket directory/],
        ["URL syntax in the host", { host: "h:1/x?sslmode=disable&a=" }, /host .*not a host name/],
        ["a host with a space", { host: "db host" }, /host .*not a host name/],
        ["a NUL in the password", { password: "a\0b" }, /password contains a NUL/],
        ["port 0", { port: 0 }, /port out of range/],
    ];
    for (const [title, parts, expected] of cases) {
        it(`refuses ${title} instead of writing a URL parsers disagree on`, () => {
            assert.throws(() => libpqUrl({ ...agent("x"), ...parts }), expected);
        });
    }

    it("percent-encodes the characters encodeURIComponent leaves, so no .env or shell needs quotes", () => {
        const url = libpqUrl(agent("it's (a) *test*!~"));
        assert.match(url, /^postgresql:\/\/hive_agent:it%27s%20%28a%29%20%2Atest%2A%21%7E@/);
        assert.equal(parse(url).password, "it's (a) *test*!~");
    });
});

describe("connection URLs: forms", () => {
    it("omits options when there is no search path", () => {
        const url = libpqUrl({ ...agent("x"), searchPath: [] });
        assert.ok(!url.includes("?"), url);
    });

    it("gives SQLAlchemy the same connection with the psycopg driver marker", () => {
        const parts = agent("p@ss:w/rd?#%& +");
        const libpq = libpqUrl(parts);
        const sqlalchemy = sqlalchemyUrl(parts);
        assert.ok(sqlalchemy.startsWith("postgresql+psycopg://"), sqlalchemy);
        assert.equal(sqlalchemy.replace(/^postgresql\+psycopg:/, "postgresql:"), libpq);
    });

    describe("with libpq itself (psql)", function () {
        const hasPsql = spawnSync("psql", ["--version"]).status === 0;
        before(function () {
            if (!hasPsql) {
                if (process.env.CI) {
                    throw new Error("psql is required in CI (postgresql-client)");
                }
                this.skip();
            }
        });
        // Port 1 on loopback: nothing listens, so libpq gets past URI parsing and fails to connect.
        const psqlError = (url: string) =>
            spawnSync("psql", [url, "-c", "select 1"], { encoding: "utf8", env: { ...process.env, PGCONNECT_TIMEOUT: "2" } }).stderr;

        it("rejects the seeds' raw form, proving the test can tell", () => {
            const seedForm = "postgresql://u:p@127.0.0.1:1/hive?options=-csearch_path=agent";
            assert.match(psqlError(seedForm), /extra key\/value separator/);
        });

        it("parses our URL and only fails at connect time", () => {
            const error = psqlError(libpqUrl({ ...agent("p@ss:w/rd?#%& +"), port: 1 }));
            assert.doesNotMatch(error, /invalid|separator/i);
            assert.match(error, /port 1 failed|Connection refused/);
            assert.ok(!error.includes("p@ss"), "libpq must not echo the password");
        });
    });
});

describe(".env lines", () => {
    it("leaves plain values unquoted", () => {
        assert.equal(dotenvLine("HIVE_API_PORT", "8886"), "HIVE_API_PORT=8886");
    });

    it("single-quotes values with characters a dotenv reader would interpret", () => {
        for (const value of ["a b", "x#y", "$HOME", 'q"uote']) {
            assert.equal(dotenvLine("K", value), `K='${value}'`);
        }
    });

    it("double-quotes values with a single quote, leaves backslash pairs unquoted", () => {
        assert.equal(dotenvLine("K", "it's"), `K="it's"`);
        assert.equal(dotenvLine("K", "ab\\\\cd"), "K=ab\\\\cd");
    });

    it("refuses values it cannot write back verbatim", () => {
        assert.throws(() => dotenvLine("K", "two\nlines"), /K: the value cannot be written to a \.env file/);
    });

    it("writes a mode's .env with its URL, port, key and role credentials", () => {
        const mode = {
            name: "agent",
            role: "hive_agent",
            database: "hive",
            schemas: ["agent"],
            searchPath: ["agent", "extensions"],
            apiPort: 38886,
            readers: [],
            connectionLimit: 50,
            passwordRotation: 0,
            apiKeyRotation: 0,
        };
        const result = modeConnection({ host: "127.0.0.1", port: 5532 }, mode, "pw with space", "hive_agent_KEY");
        const env = Object.fromEntries(
            result.envFile
                .split("\n")
                .filter((line) => line && !line.startsWith("#"))
                .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
        );
        assert.equal(env.HIVE_DATABASE_URL, result.databaseUrl);
        assert.equal(env.HIVE_API_PORT, "38886");
        assert.equal(env.HIVE_API_KEY, "hive_agent_KEY");
        assert.equal(env.POSTGRES_USER, "hive_agent");
        assert.equal(env.POSTGRES_PASSWORD, "'pw with space'");
        assert.equal(parse(result.libpqUrl).password, "pw with space");
    });
});
