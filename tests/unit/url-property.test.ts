/**
 * Property: every URL the builder writes reads back to exactly its fields with node-postgres's
 * parser (pg-connection-string, libpq-compatible mode, as verify uses it), libpq itself (psycopg's
 * conninfo_to_dict wraps PQconninfoParse), SQLAlchemy's make_url, and what SQLAlchemy's psycopg
 * dialect hands to psycopg.connect. The Python parsers run in one batch process.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "pg-connection-string";
import { type ConnectionParts, libpqUrl, sqlalchemyUrl } from "../../src/stack/model/urls";
import { PROPERTY_RUNS, PROPERTY_SEED, propertyRuns, replayHint } from "../fixtures/property";
import { requirePythonOrSkip, runPython } from "../fixtures/python";
import { connectionParts, expectedParameters } from "../fixtures/url-arbitraries";

/** node-postgres reads the root certificate while parsing: the files exist, `system` in the cwd. */
const certDirectory = mkdtempSync(join(tmpdir(), "hive-db-certs-"));

function ensureCertificate(parts: ConnectionParts): void {
    if (parts.sslrootcert !== undefined) writeFileSync(join(certDirectory, parts.sslrootcert.replace(`${certDirectory}/`, "")), "CERT");
}

/** node-postgres's view, in libpq's parameter names. */
function nodeParameters(url: string): Record<string, string> {
    const config = parse(url, { useLibpqCompat: true }) as Record<string, unknown>;
    const names: Array<[string, string]> = [
        ["user", "user"],
        ["password", "password"],
        ["database", "dbname"],
        ["host", "host"],
        ["port", "port"],
        ["options", "options"],
        ["sslmode", "sslmode"],
        ["sslrootcert", "sslrootcert"],
    ];
    return Object.fromEntries(names.filter(([from]) => config[from] !== undefined).map(([from, to]) => [to, String(config[from])]));
}

describe(`connection URLs, property (${PROPERTY_RUNS} cases per parser)`, () => {
    const cwd = process.cwd();
    before(() => {
        writeFileSync(join(certDirectory, "system"), "CERT");
        process.chdir(certDirectory);
    });
    after(() => {
        process.chdir(cwd);
        rmSync(certDirectory, { recursive: true, force: true });
    });

    it("read back exactly with node-postgres's libpq-compatible parser", () => {
        fc.assert(
            fc.property(connectionParts(certDirectory), (parts) => {
                ensureCertificate(parts);
                const url = libpqUrl(parts);
                if (parts.sslmode === "verify-ca" && parts.sslrootcert === undefined) {
                    // node-postgres refuses verify-ca without a CA of its own (libpq would use ~/.postgresql/root.crt).
                    assert.throws(() => parse(url, { useLibpqCompat: true }), /verify-ca requires specifying a CA/);
                    return;
                }
                assert.deepEqual(nodeParameters(url), expectedParameters(parts));
            }),
            propertyRuns(),
        );
    });
});

interface PythonView {
    libpq: Record<string, string>;
    sqlalchemy: Record<string, unknown>;
    connect: { args: unknown[]; kwargs: Record<string, string> };
}

/** What SQLAlchemy's URL object must hold for `parts`. */
function expectedSqlalchemy(parts: ConnectionParts): Record<string, unknown> {
    const { user, password, dbname, host, port, ...query } = expectedParameters(parts);
    return { drivername: "postgresql+psycopg", username: user, password, host, port: Number(port), database: dbname, query };
}

describe(`connection URLs with libpq and SQLAlchemy, property (${PROPERTY_RUNS} cases)`, () => {
    before(function () {
        requirePythonOrSkip(this);
    });

    it("read back exactly with conninfo_to_dict, make_url and the psycopg dialect's connect arguments", () => {
        const cases = fc.sample(connectionParts("/etc/hive-db/certs"), { numRuns: PROPERTY_RUNS, seed: PROPERTY_SEED });
        const views = runPython<PythonView[]>(
            "parse_urls.py",
            cases.map((parts) => ({ libpq: libpqUrl(parts), sqlalchemy: sqlalchemyUrl(parts) })),
        );
        const wrong = cases
            .map((parts, index) => ({ parts, view: views[index], expected: expectedParameters(parts) }))
            .filter(({ parts, view, expected }) => {
                const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(sortKeys(b));
                return (
                    !same(sortKeys(view.libpq), expected) ||
                    !same(sortKeys(view.sqlalchemy), expectedSqlalchemy(parts)) ||
                    !same(sortKeys(view.connect), { args: [], kwargs: expected })
                );
            });
        assert.deepEqual(wrong.slice(0, 3), [], `${wrong.length} of ${cases.length} URLs read back differently (${replayHint()})`);
    });
});

/** A copy with object keys sorted at every level, so key order does not matter. */
function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(
            Object.entries(value)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([key, child]) => [key, sortKeys(child)]),
        );
    }
    return value;
}
