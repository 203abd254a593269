/**
 * verify's input handling: the outputs contract, hidden secrets, bad input, and what gets scrubbed.
 */
import { problemsOf } from "../fixtures/output-deltas";
import { strict as assert } from "node:assert";

import { libpqUrl, sqlalchemyUrl } from "../../src/stack/model/urls";
import { OutputsError, parseStackOutputs, validateStackOutputs } from "../../src/commands/common/stack-outputs";
import { makeRedactor } from "../../src/shared/redact";
import { formatReport } from "../../src/commands/verify/results";
import { parseSearchPath } from "../../src/commands/verify/sql";
import { secretsInOutputs } from "../../src/commands/common/output-secrets";
import { withoutPassword } from "../../src/commands/verify/targets";
import { parseEnvFile } from "../../src/commands/verify/connect-checks";
import { DEFAULT_CONFIG, layoutOf } from "../fixtures/configs";
import { outputsFor } from "../fixtures/stack-plan";

const PASSWORDS = { workspace: "w0rk space@/:%", agent: "ag#nt?pw&=x", genie: "genie-pw-123" };
const good = () => outputsFor(layoutOf(DEFAULT_CONFIG), { host: "127.0.0.1", port: 5532 }, PASSWORDS);

describe("verify: stack outputs", () => {
    it("accepts the contract's shape and keeps every mode", () => {
        const outputs = validateStackOutputs(good());
        assert.deepEqual(outputs.modeNames, ["workspace", "agent", "genie"]);
        assert.deepEqual(outputs.readers, { workspace: [], agent: [], genie: [] });
    });

    it("says to add --show-secrets when secrets are the '[secret]' placeholder", () => {
        const hidden = { ...good(), libpqUrls: { workspace: "[secret]", agent: "[secret]", genie: "[secret]" } };
        const [problem] = problemsOf(hidden);
        assert.match(problem, /outputs\.libpqUrls\.workspace/);
        assert.match(problem, /pulumi stack output --json --show-secrets/);
    });

    it("names every missing or malformed field", () => {
        const { serverPort: _port, ...rest } = good();
        const problems = problemsOf({ ...rest, modeNames: "agent" });
        assert.ok(
            problems.some((problem) => problem.startsWith("serverPort:")),
            problems.join("\n"),
        );
        assert.ok(
            problems.some((problem) => problem.startsWith("modeNames:")),
            problems.join("\n"),
        );
    });

    const inconsistent: Array<[string, (outputs: Record<string, any>) => void, RegExp]> = [
        ["a mode without a role", (o) => delete o.roles.genie, /^roles\.genie is missing$/],
        ["a map entry for an unknown mode", (o) => (o.schemas.ghost = ["ghost"]), /^schemas\.ghost: 'ghost' is not in modeNames$/],
        ["an unknown reader", (o) => (o.readers.agent = ["ghost"]), /reader 'ghost' is not in modeNames/],
        ["a mode reading itself", (o) => (o.readers.agent = ["agent"]), /cannot be its own reader/],
        ["two modes sharing a role", (o) => (o.roles.genie = "hive_agent"), /modes 'agent' and 'genie' share role 'hive_agent'/],
    ];
    for (const [title, mutate, expected] of inconsistent) {
        it(`rejects ${title}`, () => {
            const outputs = good() as Record<string, any>;
            mutate(outputs);
            assert.ok(
                problemsOf(outputs).some((problem) => expected.test(problem)),
                problemsOf(outputs).join("\n"),
            );
        });
    }
});

describe("verify: bad JSON", () => {
    it("reports bad JSON without echoing the input", () => {
        assert.throws(
            () => parseStackOutputs('{"password": "hunter2" oops'),
            (error: Error) => {
                assert.ok(error instanceof OutputsError);
                assert.doesNotMatch(error.message, /hunter2/);
                return true;
            },
        );
    });
});

describe("verify: secrets never printed", () => {
    it("finds every password in the URLs, raw and as written, and the env files' keys", () => {
        const outputs = validateStackOutputs(good());
        const secrets = secretsInOutputs(outputs);
        for (const password of Object.values(PASSWORDS)) {
            assert.ok(secrets.includes(password), `missing ${password}`);
        }
        assert.ok(secrets.includes(encodeURIComponent(PASSWORDS.workspace)));
        const apiKey = /HIVE_API_KEY=(\S+)/.exec(outputs.envFiles!.agent)![1];
        assert.ok(secrets.includes(apiKey));
    });

    it("also finds the apiKeys output and quoted env values", () => {
        const raw = { ...good(), apiKeys: { workspace: "key-w", agent: "key-a", genie: "key-g" } } as Record<string, any>;
        raw.envFiles.genie = "# comment\nPOSTGRES_PASSWORD='pw with space'\n";
        const secrets = secretsInOutputs(validateStackOutputs(raw));
        for (const secret of ["key-w", "key-a", "key-g", "pw with space"]) {
            assert.ok(secrets.includes(secret), `missing ${secret}`);
        }
    });

    it("scrubs every form of a secret from any text", () => {
        const redact = makeRedactor(secretsInOutputs(validateStackOutputs(good())));
        const url = libpqUrl({ host: "h", port: 1, database: "d", user: "u", password: PASSWORDS.workspace });
        const scrubbed = redact(`failed: ${url} / ${PASSWORDS.agent} / ${encodeURIComponent(PASSWORDS.agent)}`);
        for (const password of Object.values(PASSWORDS)) {
            assert.ok(!scrubbed.includes(password) && !scrubbed.includes(encodeURIComponent(password)), scrubbed);
        }
        assert.match(scrubbed, /^failed: postgresql:\/\/u:\*\*\*@h:1\/d \/ \*\*\* \/ \*\*\*$/);
    });
});

describe("verify: what is printed", () => {
    it("formatReport passes every printed line through the redactor", () => {
        const text = formatReport(
            [{ id: "psql", subject: "agent", status: "fail", detail: `could not connect with ${PASSWORDS.agent}` }],
            makeRedactor([PASSWORDS.agent]),
        );
        assert.doesNotMatch(text, /ag#nt/);
        assert.match(text, /^FAIL\s+libpq URL connects with psql\s+agent\s+could not connect with \*\*\*$/m);
        assert.match(text, /VERIFY FAILED/);
    });

    it("withoutPassword drops the password and keeps the rest for libpq", () => {
        const parts = {
            host: "127.0.0.1",
            port: 5532,
            database: "hive",
            user: "hive_agent",
            password: PASSWORDS.agent,
            searchPath: ["agent", "extensions"],
        };
        assert.equal(withoutPassword(libpqUrl(parts)), libpqUrl({ ...parts, password: "" }).replace(":@", "@"));
        assert.equal(
            withoutPassword(sqlalchemyUrl(parts)).startsWith("postgresql+psycopg://hive_agent@127.0.0.1:5532/hive?options="),
            true,
        );
    });
});

describe("verify: parsing what the server and env files say", () => {
    const cases: Array<[string, string[]]> = [
        ["agent, extensions", ["agent", "extensions"]],
        ['"$user", public', ["$user", "public"]],
        ['"My ""odd"" schema",extensions', ['My "odd" schema', "extensions"]],
        ["", []],
    ];
    for (const [text, expected] of cases) {
        it(`parses search_path '${text}'`, () => assert.deepEqual(parseSearchPath(text), expected));
    }

    it("reads KEY=value lines of an env file, ignoring comments and quotes", () => {
        const env = parseEnvFile('# comment\nHIVE_API_PORT=38886\nexport HIVE_DATABASE_URL="postgresql+psycopg://x"\n\nBROKEN LINE\n');
        assert.deepEqual(
            [...env],
            [
                ["HIVE_API_PORT", "38886"],
                ["HIVE_DATABASE_URL", "postgresql+psycopg://x"],
            ],
        );
    });
});
