/**
 * A developer's Pulumi settings (src/commands/common/pulumi-env.ts, shell-hook.ts) and stack files
 * (stack-file.ts), in a temporary HOME and clone: written once, sourced by a real shell, never
 * overriding what the environment sets, and a stack file matched to its stack without losing one.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { envFilePath, passphrasePath, usePulumiEnvironment } from "../../src/commands/common/pulumi-env";
import { HOOK_MARK } from "../../src/commands/common/shell-hook";
import { encryptionSalt, keepCopy, keptCopyPath, matchStackFile, setAsideDir, stackFilePath } from "../../src/commands/common/stack-file";

const VARIABLES = [
    "HOME",
    "XDG_CONFIG_HOME",
    "PULUMI_BACKEND_URL",
    "PULUMI_CONFIG_PASSPHRASE",
    "PULUMI_CONFIG_PASSPHRASE_FILE",
    "PULUMI_HOME",
    "SHELL",
    "HIVE_DB_SHELL_SETUP",
];

/** A fresh HOME (and no Pulumi settings in the environment) for each test, restored afterwards. */
function freshHome(): { home: string } {
    const context = { home: "" };
    let saved: Record<string, string | undefined> = {};
    beforeEach(() => {
        saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
        VARIABLES.forEach((name) => delete process.env[name]);
        context.home = mkdtempSync(join(tmpdir(), "hive-home-"));
        process.env.HOME = context.home;
        process.env.PULUMI_HOME = join(context.home, ".pulumi");
    });
    afterEach(() => {
        for (const [name, value] of Object.entries(saved)) {
            if (value === undefined) delete process.env[name];
            else process.env[name] = value;
        }
        rmSync(context.home, { recursive: true, force: true });
    });
    return context;
}

/** What a new login shell of that HOME sees, with nothing else in its environment. */
function newShell(home: string, script: string): string {
    return execFileSync("bash", ["-lc", script], { env: { HOME: home, PATH: "/usr/bin:/bin" }, encoding: "utf8" });
}

describe("a developer's Pulumi settings", () => {
    const context = freshHome();

    it("npm run up writes them once: a 0600 passphrase, the env file, one hook per startup file", () => {
        const notes = usePulumiEnvironment({ setUp: true });
        assert.equal(statSync(passphrasePath()).mode & 0o777, 0o600);
        assert.equal(process.env.PULUMI_CONFIG_PASSPHRASE_FILE, passphrasePath());
        assert.equal(process.env.PULUMI_BACKEND_URL, `file://${join(context.home, ".pulumi-hive-db")}`);
        assert.ok(existsSync(join(context.home, ".pulumi-hive-db")));
        assert.match(notes.join("\n"), /generated a secrets passphrase/);
        assert.match(notes.join("\n"), /added one line sourcing it to .*\.bashrc/);
        const passphrase = readFileSync(passphrasePath(), "utf8");
        usePulumiEnvironment({ setUp: true });
        assert.equal(readFileSync(passphrasePath(), "utf8"), passphrase, "never regenerated");
        for (const file of [".bashrc", ".profile"]) {
            const text = readFileSync(join(context.home, file), "utf8");
            assert.equal(text.split(HOOK_MARK).length - 1, 1, `${file} has the hook once`);
        }
    });

    it("a new shell of that HOME has them, and plain values in the environment win", () => {
        usePulumiEnvironment({ setUp: true });
        const seen = newShell(context.home, 'echo "$PULUMI_BACKEND_URL|$PULUMI_CONFIG_PASSPHRASE_FILE"').trim();
        assert.equal(seen, `file://${context.home}/.pulumi-hive-db|${context.home}/.config/hive-db/passphrase`);
        const overridden = execFileSync("sh", ["-c", '. "$HOME/.config/hive-db/env"; echo "$PULUMI_BACKEND_URL"'], {
            env: { HOME: context.home, PATH: "/usr/bin:/bin", PULUMI_BACKEND_URL: "s3://team" },
            encoding: "utf8",
        });
        assert.equal(overridden.trim(), "s3://team");
    });

    it("leaves the backend alone for a developer logged in to one, and the shell files with HIVE_DB_SHELL_SETUP=0", () => {
        mkdirSync(join(context.home, ".pulumi"));
        writeFileSync(join(context.home, ".pulumi", "credentials.json"), JSON.stringify({ current: "https://api.pulumi.com" }));
        process.env.HIVE_DB_SHELL_SETUP = "0";
        const notes = usePulumiEnvironment({ setUp: true });
        assert.equal(process.env.PULUMI_BACKEND_URL, undefined);
        assert.doesNotMatch(readFileSync(envFilePath(), "utf8"), /PULUMI_BACKEND_URL/);
        assert.equal(existsSync(join(context.home, ".bashrc")), false);
        assert.match(notes.join("\n"), /add this to them[\s\S]*\. "\$HOME\/\.config\/hive-db\/env"/);
    });

    it("other commands read the env file and create nothing", () => {
        assert.deepEqual(usePulumiEnvironment(), []);
        assert.equal(existsSync(envFilePath()), false);
        assert.equal(existsSync(passphrasePath()), false);
    });
});

describe("a developer's stack file", () => {
    const context = freshHome();
    const BACKEND = "file:///srv/state";
    let clone: string;
    beforeEach(() => (clone = mkdtempSync(join(tmpdir(), "hive-clone-"))));
    afterEach(() => rmSync(clone, { recursive: true, force: true }));
    const write = (salt: string, extra = "") => writeFileSync(stackFilePath("dev", clone), `encryptionsalt: ${salt}\n${extra}`);

    it("keeps a file whose salt is the stack's", () => {
        write("v1:mine", "config:\n  hive-db:adminPassword:\n    secure: v1:x\n");
        assert.deepEqual(matchStackFile("dev", BACKEND, "v1:mine", clone), []);
        assert.equal(encryptionSalt(stackFilePath("dev", clone)), "v1:mine");
    });

    it("sets another passphrase's file aside (kept) and restores the developer's kept copy", () => {
        write("v1:mine", "mine: true\n");
        keepCopy("dev", BACKEND, clone);
        assert.equal(statSync(keptCopyPath(BACKEND, "dev")).mode & 0o777, 0o600);
        write("v1:theirs", "theirs: true\n");
        const notes = matchStackFile("dev", BACKEND, "v1:mine", clone);
        assert.match(readFileSync(stackFilePath("dev", clone), "utf8"), /mine: true/);
        const aside = readdirSync(setAsideDir(clone)).map((name) => readFileSync(join(setAsideDir(clone), name), "utf8"));
        assert.deepEqual(aside, ["encryptionsalt: v1:theirs\ntheirs: true\n"]);
        assert.match(notes.join("\n"), /set aside .*another passphrase's stack file[\s\S]*restored/);
    });

    it("two developers in one clone take turns without losing either file", () => {
        write("v1:alice", "alice: true\n");
        matchStackFile("dev", BACKEND, "v1:bob", clone); // bob: his file is new, alice's set aside
        writeFileSync(stackFilePath("dev", clone), "encryptionsalt: v1:bob\nbob: true\n");
        matchStackFile("dev", "file:///alice", "v1:alice", clone); // alice again: hers comes back
        assert.match(readFileSync(stackFilePath("dev", clone), "utf8"), /alice: true/);
        matchStackFile("dev", BACKEND, "v1:bob", clone);
        assert.match(readFileSync(stackFilePath("dev", clone), "utf8"), /bob: true/);
    });

    it("starts a file from the state's salt when no copy of the developer's is anywhere", () => {
        const notes = matchStackFile("dev", BACKEND, "v1:state", clone);
        assert.equal(readFileSync(stackFilePath("dev", clone), "utf8"), "encryptionsalt: v1:state\n");
        assert.match(notes.join("\n"), /admin password were not found/);
        assert.ok(context.home);
    });
});
