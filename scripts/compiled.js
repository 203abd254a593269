/**
 * The compiled JavaScript under bin/ when it is current, else the TypeScript through ts-node: the
 * program (program.js) and the npm commands (scripts/command.js) start in a fraction of the time
 * without ts-node, and never run code older than the sources. `npm ci` builds once (`prepare`);
 * `npm run build` again after an edit (until then, ts-node runs the edited sources).
 *
 *   node scripts/compiled.js --build     compile to bin/ and stamp it (a failed build is reported, not fatal)
 */
"use strict";
const { spawnSync } = require("node:child_process");
const { existsSync, readdirSync, statSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const ROOT = join(__dirname, "..");
const BIN = join(ROOT, "bin");
const STAMP = join(BIN, ".stamp");
const SOURCES = ["index.ts", "src", "tsconfig.json", "tsconfig.build.json", "package-lock.json"];

/** The newest modification time among the sources (a folder: every .ts file under it). */
function newestSource(path = ROOT, names = SOURCES) {
    let newest = 0;
    for (const name of names) {
        const file = join(path, name);
        if (!existsSync(file)) continue;
        const stat = statSync(file);
        if (stat.isDirectory()) newest = Math.max(newest, newestSource(file, readdirSync(file)));
        else if (path === ROOT || name.endsWith(".ts")) newest = Math.max(newest, stat.mtimeMs);
    }
    return newest;
}

/** Whether bin/ holds a build at least as new as every source. */
function isCurrent() {
    return existsSync(STAMP) && statSync(STAMP).mtimeMs >= newestSource();
}

let tsNodeRegistered = false;

/** The module of `tsFile` (relative to the repository): compiled when current, else through ts-node. */
function load(tsFile) {
    if (isCurrent()) return require(join(BIN, tsFile.replace(/\.ts$/, ".js")));
    // Once per process: a second registration nests the require hooks, and every .ts would compile twice.
    if (!tsNodeRegistered) require("ts-node").register({ transpileOnly: true, project: join(ROOT, "tsconfig.json") });
    tsNodeRegistered = true;
    return require(join(ROOT, tsFile));
}

function build() {
    const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json")], {
        stdio: "inherit",
    });
    if (tsc.status === 0) {
        writeFileSync(STAMP, `${new Date().toISOString()}\n`);
        return;
    }
    process.stderr.write("build: tsc failed (above); the commands and the program run the TypeScript through ts-node until it builds\n");
}

module.exports = { isCurrent, load };

if (require.main === module && process.argv[2] === "--build") build();
