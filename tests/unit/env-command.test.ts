/**
 * `npm run env` (src/commands/env/main.ts, src/commands/env/env-files.ts): one 0600 `.env` per mode, written atomically,
 * a foreign file refused unless --force, a report of what changed, and never a secret printed.
 */
import { strict as assert } from "node:assert";
import {
    chmodSync,
    closeSync,
    lstatSync,
    mkdirSync,
    mkdtempSync,
    openSync,
    readdirSync,
    readFileSync,
    readSync,
    rmSync,
    symlinkSync,
    writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

import { ENV_FILE_MARK, writeFileAtomic } from "../../src/commands/env/env-files";
import type { StackOutputs } from "../../src/stack/model/outputs";
import { layoutOf, SHARED_KNOWLEDGE_CONFIG } from "../fixtures/configs";
import { runCommandLine, type ScriptRun } from "../fixtures/run-script";
import { outputsFor } from "../fixtures/stack-plan";

const LAYOUT = layoutOf(SHARED_KNOWLEDGE_CONFIG);
const MODES = LAYOUT.modes.map((mode) => mode.name);

/** Passwords with characters URLs encode and .env files quote: every form must stay unprinted. */
const passwordsFor = (tag: string) => Object.fromEntries(MODES.map((mode) => [mode, `pw ${tag}/${mode}@:%?#&=`]));
const API_KEYS = Object.fromEntries(MODES.map((mode) => [mode, `hive_${mode}_SECRETKEY${mode.length}`]));
const outputsWith = (tag: string) => outputsFor(LAYOUT, { host: "127.0.0.1", port: 5532 }, passwordsFor(tag), API_KEYS);

function assertNothingSecret(run: ScriptRun, outputs: StackOutputs): void {
    const printed = run.stdout + run.stderr;
    const secrets = [...Object.values(passwordsFor("a")), ...Object.values(passwordsFor("b")), ...Object.values(outputs.apiKeys)];
    for (const secret of secrets) {
        for (const form of [secret, encodeURIComponent(secret)]) assert.ok(!printed.includes(form), `printed a secret: ${printed}`);
    }
}

const fileMode = (path: string) => lstatSync(path).mode & 0o777;
/** `created workspace.env`, … : each reported line's status and file name. */
const statuses = (run: ScriptRun) =>
    [...run.stdout.matchAll(/^(created|updated|unchanged|refused) +(\S+?)(?::.*)?$/gm)].map(
        ([, status, path]) => `${status} ${basename(path)}`,
    );

let dir: string;

/** For each describe: a fresh directory per test, and a permissive umask (the files must still end up 0600). */
function useEnvDirectory(): void {
    let umask: number;
    before(() => (umask = process.umask(0o002)));
    after(() => process.umask(umask));
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "hive-env-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
}

async function env(outputs: StackOutputs, ...args: string[]): Promise<ScriptRun> {
    const run = await runCommandLine("env", ["--out", join(dir, "out"), ...args], JSON.stringify(outputs));
    assertNothingSecret(run, outputs);
    return run;
}

describe("npm run env: writing the files", function () {
    this.timeout(120_000);
    useEnvDirectory();

    it("writes one 0600 file per mode, marked, holding the outputs' .env body", async () => {
        const outputs = outputsWith("a");
        const run = await env(outputs);
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(
            statuses(run),
            MODES.map((mode) => `created ${mode}.env`),
        );
        for (const mode of MODES) {
            const path = join(dir, "out", `${mode}.env`);
            assert.equal(fileMode(path), 0o600, mode);
            const [first, ...rest] = readFileSync(path, "utf8").split("\n");
            assert.ok(first.startsWith(`${ENV_FILE_MARK} (mode ${mode})`), first);
            assert.equal(rest.join("\n"), outputs.envFiles[mode]);
        }
        assert.equal(fileMode(join(dir, "out")), 0o700);
    });

    it("reports a rotation as updated and the rest as unchanged; --mode writes only that mode", async () => {
        await env(outputsWith("a"));
        const rotated = outputsWith("a");
        rotated.envFiles.agent = outputsWith("b").envFiles.agent;
        const run = await env(rotated);
        assert.deepEqual(statuses(run), ["unchanged workspace.env", "updated agent.env", "unchanged shared.env"]);
        const only = await env(outputsWith("b"), "--mode", "shared");
        assert.deepEqual(statuses(only), ["updated shared.env"]);
        assert.ok(readFileSync(join(dir, "out", "workspace.env"), "utf8").includes(encodeURIComponent(passwordsFor("a").workspace)));
    });
});

describe("npm run env: replacing files", function () {
    this.timeout(120_000);
    useEnvDirectory();

    it("replaces a file atomically: a reader holding the old file still reads it whole, and no temporary file stays", async () => {
        await env(outputsWith("a"));
        const path = join(dir, "out", "workspace.env");
        const before = readFileSync(path);
        const held = openSync(path, "r");
        try {
            await env(outputsWith("b"));
            const buffer = Buffer.alloc(before.length + 100);
            assert.deepEqual(buffer.subarray(0, readSync(held, buffer, 0, buffer.length, 0)), before);
        } finally {
            closeSync(held);
        }
        assert.notDeepEqual(readFileSync(path), before);
        assert.deepEqual(readdirSync(join(dir, "out")).sort(), MODES.map((mode) => `${mode}.env`).sort());
    });

    it("tightens a marked file that became readable by others", async () => {
        const outputs = outputsWith("a");
        await env(outputs);
        chmodSync(join(dir, "out", "agent.env"), 0o644);
        const run = await env(outputs, "--mode", "agent");
        assert.match(run.stdout, /^updated +\S*agent\.env: permissions were 0644$/m);
        assert.equal(fileMode(join(dir, "out", "agent.env")), 0o600);
    });
});

describe("npm run env: what it refuses", function () {
    this.timeout(120_000);
    useEnvDirectory();

    it("refuses a file it did not write, writes nothing at all, and --force replaces it", async () => {
        mkdirSync(join(dir, "out"));
        writeFileSync(join(dir, "out", "agent.env"), "HIVE_DATABASE_URL=mine\n");
        const refused = await env(outputsWith("a"));
        assert.equal(refused.code, 1);
        assert.deepEqual(statuses(refused), ["created workspace.env", "refused agent.env", "created shared.env"]);
        assert.match(refused.stdout, /use --force/);
        assert.deepEqual(readdirSync(join(dir, "out")), ["agent.env"]);
        assert.equal(readFileSync(join(dir, "out", "agent.env"), "utf8"), "HIVE_DATABASE_URL=mine\n");
        const forced = await env(outputsWith("a"), "--force");
        assert.equal(forced.code, 0, forced.stderr);
        assert.ok(readFileSync(join(dir, "out", "agent.env"), "utf8").startsWith(ENV_FILE_MARK));
    });

    it("refuses to write through a symbolic link unless --force, which replaces the link", async () => {
        mkdirSync(join(dir, "out"));
        writeFileSync(join(dir, "target"), "keep\n");
        symlinkSync(join(dir, "target"), join(dir, "out", "shared.env"));
        assert.equal((await env(outputsWith("a"), "--mode", "shared")).code, 1);
        assert.equal((await env(outputsWith("a"), "--mode", "shared", "--force")).code, 0);
        assert.equal(readFileSync(join(dir, "target"), "utf8"), "keep\n");
        assert.ok(lstatSync(join(dir, "out", "shared.env")).isFile());
    });
});

describe("npm run env: what it never replaces", function () {
    this.timeout(120_000);
    useEnvDirectory();

    it("refuses a directory in a file's place, even with --force", async () => {
        mkdirSync(join(dir, "out", "shared.env"), { recursive: true });
        const run = await env(outputsWith("a"), "--mode", "shared", "--force");
        assert.equal(run.code, 1);
        assert.match(run.stdout, /^refused +\S*shared\.env: not a regular file$/m);
        assert.ok(lstatSync(join(dir, "out", "shared.env")).isDirectory());
    });
});

describe("npm run env: bad input", function () {
    this.timeout(120_000);
    useEnvDirectory();

    const out = () => ["--out", join(dir, "out")];
    // prettier-ignore
    const CASES: Array<[string, () => string[], (outputs: StackOutputs) => string, RegExp]> = [
        ["an unknown mode", () => [...out(), "--mode", "ghost"], (o) => JSON.stringify(o), /unknown mode\(s\) ghost; the outputs have: workspace, agent, shared/],
        ["no --out", () => [], (o) => JSON.stringify(o), /--out DIR is required/],
        ["an unknown option", () => [...out(), "--froce"], (o) => JSON.stringify(o), /Unknown option '--froce'/],
        ["hidden secrets", out, (o) => JSON.stringify({ ...o, envFiles: Object.fromEntries(MODES.map((m) => [m, "[secret]"])) }), /--show-secrets/],
        ["broken JSON around an API key", out, (o) => `{"x": "${o.apiKeys.agent}" oops`, /not valid JSON/],
    ];
    for (const [title, args, input, expected] of CASES) {
        it(`exits 2 on ${title}, writing nothing and printing no secret`, async () => {
            const outputs = outputsWith("a");
            const run = await runCommandLine("env", args(), input(outputs));
            assertNothingSecret(run, outputs);
            assert.equal(run.code, 2, run.stdout);
            assert.match(run.stderr, expected);
            assert.equal(run.stdout, "");
            assert.deepEqual(readdirSync(dir), []);
        });
    }
});

describe("writeFileAtomic", () => {
    useEnvDirectory();

    it("leaves no temporary file and the target as it was when the rename fails", () => {
        const target = join(dir, "occupied.env");
        mkdirSync(join(target, "inside"), { recursive: true });
        assert.throws(() => writeFileAtomic(target, "SECRET=1\n"));
        assert.deepEqual(readdirSync(dir), ["occupied.env"]);
        assert.deepEqual(readdirSync(target), ["inside"]);
    });
});
