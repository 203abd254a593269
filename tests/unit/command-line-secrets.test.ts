/**
 * A process's arguments are readable by every local user (`ps`): verify hands libpq the URL without
 * its password and the password through PGPASSWORD. A stand-in `psql` first on PATH records what
 * it was given.
 */
import { strict as assert } from "assert";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkPsql } from "../../src/commands/verify/connect-checks";
import { modeTargets } from "../../src/commands/verify/targets";
import { DEFAULT_CONFIG, layoutOf } from "../fixtures/configs";
import { outputsFor } from "../fixtures/stack-plan";

const PASSWORD = "s3cret pw/@:?#%&'";

describe("verify's psql login: no password on the command line", () => {
    const dir = mkdtempSync(join(tmpdir(), "hive-db-psql-"));
    const path = process.env.PATH;
    before(() => {
        const script = `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/argv"\nprintf '%s' "$PGPASSWORD" > "${dir}/password"\necho hive_agent@hive\n`;
        writeFileSync(join(dir, "psql"), script);
        chmodSync(join(dir, "psql"), 0o755);
        process.env.PATH = `${dir}:${path}`;
    });
    after(() => {
        process.env.PATH = path;
        rmSync(dir, { recursive: true, force: true });
    });

    it("passes the URL without the password as argument, and the password in PGPASSWORD", async () => {
        const outputs = outputsFor(
            layoutOf(DEFAULT_CONFIG),
            { host: "127.0.0.1", port: 5532 },
            { workspace: "w", agent: PASSWORD, genie: "g" },
        );
        const agent = modeTargets(outputs).find((target) => target.mode === "agent");
        assert.ok(agent);
        const result = await checkPsql(agent);
        assert.equal(result.status, "pass", result.detail);
        const argv = readFileSync(join(dir, "argv"), "utf8");
        assert.match(argv, /^postgresql:\/\/hive_agent@127\.0\.0\.1:5532\/hive\?options=/m, "psql got the URL");
        for (const form of [PASSWORD, encodeURIComponent(PASSWORD), "s3cret"]) {
            assert.ok(!argv.includes(form), "the password is on the command line");
        }
        assert.equal(readFileSync(join(dir, "password"), "utf8"), PASSWORD);
    });
});
