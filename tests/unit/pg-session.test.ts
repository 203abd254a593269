/**
 * The one place node-postgres settings are made from connection parts: TLS exactly as libpq would
 * use sslmode and sslrootcert, for the program's probe, the extension guard and adopt --finish.
 */
import { strict as assert } from "assert";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { clientConfigFor } from "../../src/stack/model/urls";
import { runStack } from "./harness";
import type { AdminCredentials } from "../../src/stack/program/probes";

const parts = { host: "db.internal", port: 6543, user: "postgres", password: "p@ss word", database: "postgres" };

describe("node-postgres settings from connection parts", () => {
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), "hive-tls-"))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("trusts the configured root certificate and checks the host with verify-full", () => {
        const ca = join(dir, "root.crt");
        writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n");
        const config = clientConfigFor({ ...parts, sslmode: "verify-full", sslrootcert: ca });
        assert.equal(config.password, "p@ss word");
        const ssl = config.ssl as { ca?: string; rejectUnauthorized?: boolean; checkServerIdentity?: unknown };
        assert.match(String(ssl.ca), /BEGIN CERTIFICATE/);
        assert.notEqual(ssl.rejectUnauthorized, false);
        assert.equal(ssl.checkServerIdentity, undefined);
    });

    it("does not check the host name with verify-ca, and uses no TLS with disable", () => {
        const ca = join(dir, "root.crt");
        const ssl = clientConfigFor({ ...parts, sslmode: "verify-ca", sslrootcert: ca }).ssl as { checkServerIdentity?: unknown };
        assert.equal(typeof ssl.checkServerIdentity, "function");
        assert.equal(clientConfigFor({ ...parts, sslmode: "disable" }).ssl, false);
    });
});

describe("the program's server probe", () => {
    it("gets the configured sslmode and root certificate", async () => {
        const seen: AdminCredentials[] = [];
        await runStack({ server: { host: "db.internal", sslmode: "verify-full", sslrootcert: "/etc/ssl/hive-root.crt" } }, {}, { seen });
        assert.deepEqual(
            seen.map((admin) => [admin.host, admin.sslmode, admin.sslrootcert]),
            [["db.internal", "verify-full", "/etc/ssl/hive-root.crt"]],
        );
    });
});
