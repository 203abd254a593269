/**
 * A managed-style PostgreSQL for the tests, started like the other test servers: a container of the
 * local image, configured at start-up (tests/fixtures/managed-server/) the way a managed service
 * provisions an instance. Which setting imitates which service:
 *
 * | setting | imitates |
 * |---|---|
 * | admin `hive_admin`: LOGIN CREATEDB CREATEROLE, member of `platform_admin`, not SUPERUSER | RDS's master user (rds_superuser), Cloud SQL's `postgres` (cloudsqlsuperuser), Azure's server admin (azure_pg_admin) |
 * | the bootstrap superuser `postgres`, password unknown, socket only | the operator's own superuser (rdsadmin, cloudsqladmin, azuresu) |
 * | `pg_hba.conf`: `hostssl … scram-sha-256` only | RDS `rds.force_ssl=1`, Cloud SQL "SSL only", Azure `require_secure_transport=on` |
 * | a server certificate signed by a CA the test makes (a second one with the wrong host name) | each service's own CA bundle, which clients pass as `sslrootcert` |
 * | `vector` trusted (in its control file) | the services let their admin create it; PostgreSQL lets a non-superuser create only a trusted extension |
 * | with `allowList`: `-c azure.extensions=…`, enforced by the operator's event trigger | Azure's `azure.extensions` (RDS's `rds.allowed_extensions` works alike) |
 * | no event trigger for the admin | Azure, Neon, Supabase; RDS and Cloud SQL allow one (their guard: extension-guard.test.ts) |
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

import type { ClientConfig } from "pg";

import { clientConfigFor } from "../../src/stack/model/urls";
import {
    docker,
    healthcheckCommand,
    IMAGE,
    publishedPort,
    randomPassword,
    removeContainer,
    removeVolume,
    requireDockerOrSkip,
    uniqueName,
    waitHealthy,
} from "./helpers";

const run = promisify(execFile);
const FIXTURE = resolve(__dirname, "../fixtures/managed-server");

export interface ManagedServerOptions {
    /** Extensions anyone may create (Azure's `azure.extensions`); undefined: no allow-list at all. */
    allowList?: string[];
    /** More server flags, e.g. `createrole_self_grant`. */
    serverFlags?: Record<string, string>;
}

export interface ManagedServer {
    name: string;
    port: number;
    admin: { user: string; password: string };
    /** The test CA that signed the server's certificates, and a CA that signed none of them. */
    caFile: string;
    otherCaFile: string;
    /** The admin's connection over verify-full with the test CA (or `overrides`). */
    adminConfig(database?: string, overrides?: { sslrootcert?: string; host?: string }): ClientConfig;
    /** Serves the certificate naming 127.0.0.1 and localhost, or the one naming only db.wrong-host.invalid. */
    useCertificate(which: "right" | "wrong-host"): Promise<void>;
    /** psql as the operator (the bootstrap superuser, over the container's socket); the rows' text. */
    asOperator(sql: string, database?: string): Promise<string>;
    remove(): Promise<void>;
}

const openssl = (dir: string, args: string[]) => run("openssl", args, { cwd: dir });

/** Docker and the image (helpers.ts), and openssl, which makes the test CA: skips the suite with one line without them. */
export async function requireManagedServerOrSkip(context: Mocha.Context): Promise<void> {
    await requireDockerOrSkip(context);
    if (
        await run("openssl", ["version"]).then(
            () => true,
            () => false,
        )
    )
        return;
    const reason = "openssl is not on PATH (it makes the test CA and the server's certificates)";
    if (process.env.HIVE_DB_REQUIRE_DOCKER === "1") throw new Error(`HIVE_DB_REQUIRE_DOCKER=1 but ${reason}`);
    console.log(`      skipping ${context.test?.parent?.title ?? "suite"}: ${reason}`);
    context.skip();
}

/** A managed-style server for the calling suite, started in `before` and removed in `after`. */
export function useManagedServer(options: ManagedServerOptions = {}): { server: ManagedServer } {
    const context = {} as { server: ManagedServer };
    before(async function () {
        this.timeout(180_000);
        await requireManagedServerOrSkip(this);
        context.server = await startManagedServer(options);
    });
    after(async () => context.server?.remove());
    return context;
}

/** A CA, and a leaf certificate for `names` signed by it. */
async function makeCertificates(dir: string): Promise<void> {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    for (const ca of ["ca", "other-ca"]) {
        await openssl(dir, [
            "req",
            "-x509",
            ...ec,
            "-keyout",
            `${ca}.key`,
            "-out",
            `${ca}.crt`,
            "-days",
            "7",
            "-subj",
            `/CN=hive-db test ${ca}`,
        ]);
    }
    const leaves = { server: "DNS:localhost,IP:127.0.0.1", "wrong-host": "DNS:db.wrong-host.invalid" };
    for (const [leaf, names] of Object.entries(leaves)) {
        writeFileSync(join(dir, `${leaf}.ext`), `subjectAltName=${names}\nextendedKeyUsage=serverAuth\n`);
        await openssl(dir, ["req", ...ec, "-keyout", `${leaf}.key`, "-out", `${leaf}.csr`, "-subj", `/CN=${names.split(",")[0].slice(4)}`]);
        await openssl(
            dir,
            ["x509", "-req", "-in", `${leaf}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial"].concat([
                "-out",
                `${leaf}.crt`,
                "-days",
                "7",
                "-extfile",
                `${leaf}.ext`,
            ]),
        );
    }
}

/** The subject alternative names the server presents now (openssl speaks PostgreSQL's STARTTLS). */
async function presentedNames(port: number): Promise<string> {
    const probe = `openssl s_client -starttls postgres -connect 127.0.0.1:${port} </dev/null 2>/dev/null | openssl x509 -noout -ext subjectAltName`;
    return (await run("sh", ["-c", probe]).catch(() => ({ stdout: "" }))).stdout;
}

/** Installs the right or the wrong-host certificate and waits until the server presents it. */
async function serveCertificate(server: ManagedServer, which: "right" | "wrong-host"): Promise<void> {
    const source = which === "right" ? "server" : "wrong-host";
    const install = (file: string, mode: string) =>
        `install -o postgres -g postgres -m ${mode} /hive-managed/${source}.${file} /var/lib/postgresql/tls/server.${file}`;
    await docker(["exec", server.name, "sh", "-c", `${install("key", "600")} && ${install("crt", "644")}`]);
    // PostgreSQL reloads its certificate on SIGHUP; new connections get it once the reload ran.
    await docker(["kill", "--signal", "HUP", server.name]);
    const expected = which === "right" ? "IP Address:127.0.0.1" : "db.wrong-host.invalid";
    for (let tries = 0; !(await presentedNames(server.port)).includes(expected); tries++) {
        if (tries > 50) throw new Error(`${server.name} still presents its old certificate`);
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
}

export async function startManagedServer(options: ManagedServerOptions = {}): Promise<ManagedServer> {
    const name = uniqueName("managed");
    const dir = mkdtempSync(join(tmpdir(), "hive-managed-"));
    await makeCertificates(dir);
    const admin = { user: "hive_admin", password: randomPassword({ special: true }) };
    const flags = { ...(options.allowList ? { "azure.extensions": options.allowList.join(",") } : {}), ...options.serverFlags };
    const env = {
        POSTGRES_USER: "postgres",
        POSTGRES_PASSWORD: randomPassword(),
        MANAGED_ADMIN_USER: admin.user,
        MANAGED_ADMIN_PASSWORD: admin.password,
        MANAGED_ALLOW_LIST: options.allowList?.join(",") ?? "",
    };
    // prettier-ignore
    await docker([
        "create", "--name", name, "--publish", "127.0.0.1::5432", "--volume", `${name}:/var/lib/postgresql/data`,
        "--health-cmd", healthcheckCommand(admin.user), "--health-interval", "1s", "--health-timeout", "5s",
        "--health-retries", "3", "--health-start-period", "60s",
        ...Object.keys(env).flatMap((key) => ["--env", key]),
        "--entrypoint", "bash", IMAGE, "/hive-managed/start.sh",
        ...Object.entries(flags).flatMap(([flag, value]) => ["-c", `${flag}=${value}`]),
    ], env);
    const server = managedServer(name, dir, admin);
    try {
        await docker(["cp", FIXTURE, `${name}:/hive-managed`]);
        for (const file of ["server.crt", "server.key", "wrong-host.crt", "wrong-host.key"]) {
            await docker(["cp", join(dir, file), `${name}:/hive-managed/${file}`]);
        }
        await docker(["start", name]);
        await waitHealthy(name);
        server.port = await publishedPort(name);
        return server;
    } catch (error) {
        await server.remove();
        throw error;
    }
}

function managedServer(name: string, dir: string, admin: ManagedServer["admin"]): ManagedServer {
    const server: ManagedServer = {
        name,
        port: 0,
        admin,
        caFile: join(dir, "ca.crt"),
        otherCaFile: join(dir, "other-ca.crt"),
        adminConfig: (database = "postgres", overrides = {}) => ({
            ...clientConfigFor({
                host: overrides.host ?? "127.0.0.1",
                port: server.port,
                user: admin.user,
                password: admin.password,
                database,
                sslmode: "verify-full",
                sslrootcert: overrides.sslrootcert ?? server.caFile,
            }),
            connectionTimeoutMillis: 10_000,
        }),
        useCertificate: (which) => serveCertificate(server, which),
        asOperator: (sql, database = "postgres") =>
            docker([
                "exec",
                "--user",
                "postgres",
                name,
                "psql",
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                database,
                "-c",
                sql,
            ]),
        async remove() {
            await removeContainer(name);
            await removeVolume(name);
            rmSync(dir, { recursive: true, force: true });
        },
    };
    return server;
}
