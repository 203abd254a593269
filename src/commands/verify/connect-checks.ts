/**
 * Checks that reach the server from outside: pg_isready, psql and node-postgres logins, and the
 * URL forms the apps are given.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

import type { Client } from "pg";

import { type CheckResult, resultFor } from "./results";
import { connect, describeError } from "./sql";
import { type ModeTarget, withoutPassword } from "./targets";
import { READ_URL_ENV_PREFIX, readUrlEnvKey } from "../../stack/model/naming";
import { LIBPQ_SCHEME, SQLALCHEMY_SCHEME } from "../../stack/model/urls";

const run = promisify(execFile);

const CLIENT_HINT = "install the PostgreSQL client tools (Debian: apt-get install postgresql-client)";

interface ExecError {
    code?: number | string;
    stdout?: string;
    stderr?: string;
    message: string;
}

function execFailure(program: string, error: ExecError): string {
    if (error.code === "ENOENT") {
        return `${program} not found on PATH: ${CLIENT_HINT}`;
    }
    return (error.stderr || error.stdout || error.message).trim();
}

/** The same probe as the container healthcheck: does a server accept connections at all? */
export async function checkServer(host: string, port: number): Promise<CheckResult> {
    const subject = `${host}:${port}`;
    try {
        const { stdout } = await run("pg_isready", ["-h", host, "-p", String(port), "-t", "10"], { timeout: 20_000 });
        return { id: "server", subject, status: "pass", detail: stdout.trim() };
    } catch (error) {
        return { id: "server", subject, status: "fail", detail: execFailure("pg_isready", error as ExecError) };
    }
}

/** Environment for a libpq client: none of the caller's PG* variables may change the connection. */
function libpqEnv(password: string): NodeJS.ProcessEnv {
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PG")));
    return { ...env, PGPASSWORD: password, PGCONNECT_TIMEOUT: "10" };
}

const WHO_AM_I = "SELECT current_user || '@' || current_database() AS who";

/** libpq itself (psql) parses the URL: this is what catches an unencoded `options=-csearch_path=`. */
export async function checkPsql(target: ModeTarget): Promise<CheckResult> {
    const result = resultFor("psql", target.mode);
    if (!target.connection) {
        return result("fail", target.urlError ?? "no URL");
    }
    const expected = `${target.role}@${target.database}`;
    try {
        const args = ["-X", "-w", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", withoutPassword(target.libpqUrl), "-c", WHO_AM_I];
        const { stdout } = await run("psql", args, { env: libpqEnv(String(target.connection.password ?? "")), timeout: 30_000 });
        const who = stdout.trim();
        return who === expected ? result("pass", `connected as ${who}`) : result("fail", `connected as ${who}, expected ${expected}`);
    } catch (error) {
        return result("fail", execFailure("psql", error as ExecError));
    }
}

/**
 * Logs in with node-postgres from the parsed libpq URL and checks the URL points where the outputs
 * say. Returns the session for the checks that follow (undefined when the login failed).
 */
export async function checkNodePostgres(
    target: ModeTarget,
    server: { host: string; port: number },
): Promise<{ result: CheckResult; client?: Client }> {
    const result = resultFor("node-postgres", target.mode);
    if (!target.connection) {
        return { result: result("fail", target.urlError ?? "no URL") };
    }
    const { host, port, user, database } = target.connection;
    const mismatches = [
        host !== server.host && `host ${host} (serverHost is ${server.host})`,
        port !== server.port && `port ${port} (serverPort is ${server.port})`,
        user !== target.role && `user ${user} (roles.${target.mode} is ${target.role})`,
        database !== target.database && `database ${database} (databases.${target.mode} is ${target.database})`,
    ].filter((text): text is string => typeof text === "string");
    let client: Client;
    try {
        client = await connect(target.connection);
    } catch (error) {
        return { result: result("fail", describeError(error)) };
    }
    let who: string;
    try {
        who = (await client.query<{ who: string }>(WHO_AM_I)).rows[0].who;
    } catch (error) {
        await client.end().catch(() => undefined);
        return { result: result("fail", `connected, but a query failed: ${describeError(error)}`) };
    }
    if (who !== `${target.role}@${target.database}`) {
        mismatches.push(`connected as ${who}`);
    }
    if (mismatches.length > 0) {
        return { result: result("fail", `the URL does not match the outputs: ${mismatches.join("; ")}`), client };
    }
    return { result: result("pass", `connected as ${who}`), client };
}

/** The apps' SQLAlchemy URL must be the libpq URL with the driver marker and nothing else changed. */
export function checkSqlalchemyUrl(target: ModeTarget): CheckResult {
    const result = resultFor("sqlalchemy-url", target.mode);
    const libpqPrefix = `${LIBPQ_SCHEME}://`;
    const sqlalchemyPrefix = `${SQLALCHEMY_SCHEME}://`;
    if (!target.libpqUrl.startsWith(libpqPrefix)) {
        return result("fail", `libpqUrls.${target.mode} does not start with ${libpqPrefix}`);
    }
    if (!target.sqlalchemyUrl.startsWith(sqlalchemyPrefix)) {
        return result("fail", `databaseUrls.${target.mode} does not start with ${sqlalchemyPrefix}`);
    }
    const same = target.sqlalchemyUrl.slice(sqlalchemyPrefix.length) === target.libpqUrl.slice(libpqPrefix.length);
    return same
        ? result("pass", `${sqlalchemyPrefix} + the libpq URL`)
        : result("fail", `databaseUrls.${target.mode} and libpqUrls.${target.mode} differ after the scheme`);
}

/**
 * Every URL must carry the outputs' sslmode and root certificate: a URL without sslmode makes libpq
 * fall back to `prefer` (no certificate check, silent plaintext). The container's carry none.
 */
export function checkUrlTls(target: ModeTarget, server: { sslmode?: string; sslrootcert?: string }): CheckResult {
    const result = resultFor("url-sslmode", target.mode);
    const problems: string[] = [];
    const urls: Array<[string, string]> = [
        [`libpqUrls.${target.mode}`, target.libpqUrl],
        [`databaseUrls.${target.mode}`, target.sqlalchemyUrl],
    ];
    for (const [output, url] of urls) {
        let query: URLSearchParams;
        try {
            query = new URL(url).searchParams;
        } catch {
            problems.push(`${output} is not a URL`);
            continue;
        }
        for (const [param, outputKey, expected] of [
            ["sslmode", "serverSslmode", server.sslmode],
            ["sslrootcert", "serverSslrootcert", server.sslrootcert],
        ] as const) {
            const actual = query.get(param) ?? undefined;
            if (actual !== expected) problems.push(`${output} has ${param} ${actual ?? "(none)"}, ${outputKey} is ${expected ?? "(none)"}`);
        }
    }
    return problems.length === 0
        ? result("pass", server.sslmode === undefined ? "no sslmode, as the container's" : `sslmode=${server.sslmode} in both URLs`)
        : result("fail", problems.join("; "));
}

/** `KEY=value` lines of an env file body; surrounding quotes are dropped. */
export function parseEnvFile(body: string): Map<string, string> {
    const entries = new Map<string, string>();
    for (const line of body.split("\n")) {
        const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
        if (match && !line.trimStart().startsWith("#")) {
            entries.set(match[1], match[2].replace(/^(["'])(.*)\1$/, "$2"));
        }
    }
    return entries;
}

/** The env file an app deploy writes must carry the same URL and port as the outputs. */
export function checkEnvFile(target: ModeTarget, apiPort: number | undefined): CheckResult {
    const result = resultFor("env-file", target.mode);
    const env = parseEnvFile(target.envFile ?? "");
    const problems: string[] = [];
    if (env.get("HIVE_DATABASE_URL") !== target.sqlalchemyUrl) {
        problems.push(env.has("HIVE_DATABASE_URL") ? `HIVE_DATABASE_URL differs from databaseUrls.${target.mode}` : "no HIVE_DATABASE_URL");
    }
    if (apiPort !== undefined && env.get("HIVE_API_PORT") !== String(apiPort)) {
        problems.push(`HIVE_API_PORT is ${env.get("HIVE_API_PORT") ?? "missing"}, apiPorts.${target.mode} is ${apiPort}`);
    }
    const readKeys = target.reads.map((read) => readUrlEnvKey(read.database));
    for (const read of target.reads) {
        const key = readUrlEnvKey(read.database);
        if (env.get(key) !== read.sqlalchemyUrl) {
            problems.push(env.has(key) ? `${key} differs from readUrls.${target.mode}.${read.database}` : `no ${key}`);
        }
    }
    const stray = [...env.keys()].filter((key) => key.startsWith(READ_URL_ENV_PREFIX) && !readKeys.includes(key));
    if (stray.length > 0) problems.push(`${stray.join(", ")}: not in readUrls.${target.mode}`);
    const checked = ["HIVE_DATABASE_URL", ...readKeys, "HIVE_API_PORT"];
    return problems.length === 0 ? result("pass", `${checked.join(", ")} match`) : result("fail", problems.join("; "));
}
