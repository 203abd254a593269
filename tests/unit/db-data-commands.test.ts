/**
 * `npm run db -- backup | restore | upgrade`: each is a command of its own on the one command-line
 * convention (its own --help and options), and bad usage is refused (exit 2) before anything runs.
 */
import { strict as assert } from "node:assert";

import { mapConcurrently } from "../../src/commands/verify/sql";
import { runCommandLine } from "../fixtures/run-script";

const SUBCOMMANDS = ["backup", "restore", "upgrade"];

describe("npm run db -- backup | restore | upgrade: the command line", function () {
    this.timeout(120_000);

    it("each answers --help with its own usage and options, exit 0", async () => {
        const runs = await mapConcurrently(SUBCOMMANDS, 3, (name) => runCommandLine("db", [name, "--help"]));
        runs.forEach((run, index) => {
            const name = SUBCOMMANDS[index];
            assert.equal(run.code, 0, `${name}: ${run.stderr}`);
            assert.match(run.stdout, new RegExp(`^usage: npm run db -- ${name} `), name);
            assert.match(run.stdout, /\n {2}-s, --stack NAME +the stack to act on/, name);
            assert.match(run.stdout, /exit status: 0 done, 1 failed, 2 refused or bad usage/, name);
        });
        const db = await runCommandLine("db", ["--help"]);
        assert.match(db.stdout, /npm run db -- backup \| restore \| upgrade \.\.\. \(each has --help\)/);
    });

    it("refuses bad usage with exit 2 before opening any stack", async () => {
        const cases: Array<[string[], RegExp]> = [
            [
                ["backup"],
                /^db: say what to back up: --mode M \(repeatable\), --database D \(repeatable\) or --all\nusage: npm run db -- backup/,
            ],
            [["backup", "--mode", "agent", "--all"], /give one of --mode, --all/],
            [["restore"], /^db: missing argument\nusage: npm run db -- restore/],
            [["upgrade"], /^db: say where to: --image IMAGE, or --back/],
            [["upgrade", "--image", "x", "--back"], /^db: say where to: --image IMAGE, or --back/],
            [["backup", "--replace"], /^db: Unknown option '--replace'/],
        ];
        const runs = await mapConcurrently(cases, 3, ([args]) => runCommandLine("db", args));
        runs.forEach((run, index) => {
            assert.equal(run.code, 2, `${cases[index][0].join(" ")}: ${run.stdout}${run.stderr}`);
            assert.match(run.stderr, cases[index][1]);
            assert.equal(run.stdout, "");
        });
    });
});
