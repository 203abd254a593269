/**
 * How package.json runs an npm command: `node scripts/command.js <name> [args]` loads
 * src/commands/<name>/main.ts (compiled when current: scripts/compiled.js) and runs the command it
 * declares with the one command-line convention (src/shared/cli.ts).
 */
"use strict";
const { load } = require("./compiled");

const [name, ...args] = process.argv.slice(2);
const module_ = load(`src/commands/${name}/main.ts`);
const spec = Object.values(module_).find((value) => value && typeof value === "object" && "usage" in value && "run" in value);
const { runCommand } = load("src/shared/cli.ts");
runCommand(spec, args);
