/**
 * One command-line convention (src/shared/cli.ts): every `npm run` command answers `--help` with its
 * usage (exit 0) and refuses an unknown flag with the usage (exit 2), run as npm runs it. The list of
 * commands is read from package.json, so a new command is covered the day it is added.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { mapConcurrently } from "../../src/commands/verify/sql";
import { runCommand } from "../../src/shared/cli";
import { REPOSITORY } from "../../src/shared/repository";
import { collect, runCommandLine } from "../fixtures/run-script";

const scripts = JSON.parse(readFileSync(join(REPOSITORY, "package.json"), "utf8")).scripts as Record<string, string>;
/**
 * npm scripts that run a command: `exec node scripts/command.js <name>` (src/commands/<name>/main.ts);
 * `exec`, so npm's own child is the command, which gets npm's forwarded signals and whose exit code npm reports.
 */
const COMMANDS = Object.entries(scripts).flatMap(([script, line]) => {
    const folder = /^exec node scripts\/command\.js ([a-z-]+)$/.exec(line)?.[1];
    return folder === undefined ? [] : [{ script, folder }];
});

/** `node scripts/command.js <args>`: how package.json runs every command. */
const run = (args: string[]) => collect(spawn(process.execPath, [join(REPOSITORY, "scripts", "command.js"), ...args], { cwd: REPOSITORY }));

describe("the command line: one convention for every npm run command", function () {
    this.timeout(120_000);

    it("every command folder is an npm script of its own name, and the other way round", () => {
        const folders = readdirSync(join(REPOSITORY, "src", "commands")).filter((name) =>
            existsSync(join(REPOSITORY, "src", "commands", name, "main.ts")),
        );
        assert.deepEqual(COMMANDS.map((command) => command.folder).sort(), folders.sort());
        for (const { script, folder } of COMMANDS) assert.equal(script, folder);
    });

    it("--help prints the usage, the options and the exit codes on stdout and exits 0", async () => {
        const runs = await mapConcurrently(COMMANDS, 4, ({ folder }) => runCommandLine(folder, ["--help"], "", process.env));
        runs.forEach((run, index) => {
            const name = COMMANDS[index].script;
            assert.equal(run.code, 0, `${name}: ${run.stderr}`);
            assert.match(run.stdout, new RegExp(`^usage: npm run ${name}( --|\n)`), name);
            assert.match(run.stdout, /\n {2}-h, --help +print this help and exit\n/, name);
            assert.match(run.stdout, /exit status: 0 done, 1 failed, 2 refused or bad usage/, name);
            assert.equal(run.stderr, "", name);
        });
    });

    it("an unknown flag is refused with the usage on stderr, exit 2, before anything runs", async () => {
        const runs = await mapConcurrently(COMMANDS, 4, ({ folder }) => runCommandLine(folder, ["--no-such-flag"], "", process.env));
        runs.forEach((run, index) => {
            const name = COMMANDS[index].script;
            assert.equal(run.code, 2, `${name}: ${run.stdout}${run.stderr}`);
            assert.match(run.stderr, new RegExp(`^${name}: Unknown option '--no-such-flag'`), name);
            assert.match(run.stderr, new RegExp(`\\nusage: npm run ${name}( -- |\n)`), name);
            assert.equal(run.stdout, "", name);
        });
    });

    it("a subcommand has a --help and options of its own, through npm's own entry (scripts/command.js)", async () => {
        const help = await run(["db", "backup", "--help"]);
        assert.equal(help.code, 0, help.stderr);
        assert.match(help.stdout, /^usage: npm run db -- backup \(--mode M/);
        const bad = await run(["db", "upgrade", "--mode", "x"]);
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /Unknown option '--mode'[\s\S]*usage: npm run db -- upgrade --image IMAGE/);
    });

    it("an option without its value is refused, not read from the next argument", async () => {
        const run = await runCommandLine("down", ["--delete-data", "--confirm"], "", process.env);
        assert.equal(run.code, 2, run.stderr);
        assert.match(run.stderr, /Option '--confirm <value>' argument missing/);
    });
});

describe("the command line: input and internal errors", function () {
    this.timeout(60_000);

    it("reads outputs piped in by a writer that starts late (`pulumi stack output | npm run verify`)", async () => {
        // The writer's first bytes come after the command has started: a synchronous read of a
        // non-blocking pipe failed here with EAGAIN ("internal error"). Bad JSON shows stdin was read.
        const entry = join(REPOSITORY, "scripts", "command.js");
        const line = `(sleep 0.5; printf '{"not json') | "${process.execPath}" "${entry}" verify`;
        const piped = await collect(spawn("sh", ["-c", line], { cwd: REPOSITORY }));
        assert.equal(piped.code, 2, piped.stderr);
        assert.match(piped.stderr, /^verify: [\s\S]*not valid JSON/);
        assert.doesNotMatch(piped.stderr, /internal error/);
    });

    it("an internal error before the command can scrub prints its type and system code, never its message (exit 1)", async () => {
        const secret = "postgresql://hive:hunter2@db/hive";
        const failing = Object.assign(new Error(`read ${secret}`), { code: "EAGAIN" });
        const spec = { name: "probe", usage: [""], summary: "", options: {}, run: () => Promise.reject(failing) };
        const write = process.stderr.write;
        let printed = "";
        process.stderr.write = ((text: string) => ((printed += text), true)) as typeof process.stderr.write;
        const code = await runCommand(spec, []).finally(() => (process.stderr.write = write));
        process.exitCode = 0;
        assert.equal(code, 1);
        assert.equal(printed, "probe: internal error: Error (EAGAIN)\n");
    });
});
