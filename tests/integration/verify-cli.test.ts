/**
 * `npm run verify` (src/commands/verify/main.ts) end to end: stdin or a file, the report, exit codes, and
 * never a password on stdout or stderr.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { runCommandLine } from "../fixtures/run-script";
import { randomPassword } from "./helpers";
import { assertNoSecret, DEFAULT_LAYOUT, expectedRows, useVerifyServer } from "./verify-server";

describe("the verify command line (src/commands/verify/main.ts)", function () {
    this.timeout(600_000);
    const server = useVerifyServer();
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), "hive-verify-"))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("reads stdin, prints a table of passes and exits 0 on the stack's own layer", async () => {
        await server.apply(DEFAULT_LAYOUT);
        const { code, stdout, stderr } = await runCommandLine("verify", [], JSON.stringify(server.outputs(DEFAULT_LAYOUT)));
        assert.equal(code, 0, stderr);
        assert.match(stdout, /^STATUS\s+CHECK\s+SUBJECT\s+DETAIL$/m);
        assert.equal(stdout.match(/^PASS /gm)?.length, expectedRows(DEFAULT_LAYOUT, server.port).length);
        assertNoSecret(stdout + stderr, server.secrets);
    });

    it("reads a file argument, exits 1 on a failure and never prints the password", async () => {
        const wrong = randomPassword({ special: true });
        const file = join(dir, "outputs.json");
        writeFileSync(file, JSON.stringify(server.outputs(DEFAULT_LAYOUT, { agent: wrong })));
        const { code, stdout, stderr } = await runCommandLine("verify", [file]);
        assert.equal(code, 1, stderr);
        assert.match(stdout, /^FAIL\s+libpq URL connects with psql\s+agent\s+.*password authentication failed/m);
        assert.match(stdout, /VERIFY FAILED/);
        assertNoSecret(stdout + stderr, [...server.secrets, wrong]);
    });

    it("exits 2 and asks for --show-secrets when the secrets are hidden", async () => {
        const hidden = { ...server.outputs(DEFAULT_LAYOUT), libpqUrls: { workspace: "[secret]", agent: "[secret]", genie: "[secret]" } };
        const { code, stdout, stderr } = await runCommandLine("verify", [], JSON.stringify(hidden));
        assert.equal(code, 2);
        assert.equal(stdout, "");
        assert.match(stderr, /--show-secrets/);
    });
});
