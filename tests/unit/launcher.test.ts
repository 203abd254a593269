/**
 * The compiled program and commands run only while they are current (scripts/compiled.js): a source
 * newer than the build's stamp sends the program and the commands back to the TypeScript, so an edit
 * never runs as stale JavaScript. Checked in a small repository of its own.
 */
import { strict as assert } from "node:assert";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { REPOSITORY } from "../../src/shared/repository";

interface Launcher {
    isCurrent(): boolean;
    load(tsFile: string): unknown;
}

describe("the compiled JavaScript, used only while current", () => {
    let root: string;
    let launcher: Launcher;
    const at = (file: string, seconds: number) => utimesSync(join(root, file), seconds, seconds);
    before(() => {
        root = mkdtempSync(join(tmpdir(), "hive-launch-"));
        for (const dir of ["scripts", "src", "bin/src"]) mkdirSync(join(root, dir), { recursive: true });
        copyFileSync(join(REPOSITORY, "scripts", "compiled.js"), join(root, "scripts", "compiled.js"));
        symlinkSync(join(REPOSITORY, "node_modules"), join(root, "node_modules"));
        writeFileSync(join(root, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "commonjs", strict: true } }));
        writeFileSync(join(root, "index.ts"), 'const source: string = "typescript";\nmodule.exports = source;\n');
        writeFileSync(join(root, "src", "part.ts"), "export const part = 1;\n");
        writeFileSync(join(root, "bin", "index.js"), 'module.exports = "compiled";\n');
        writeFileSync(join(root, "bin", ".stamp"), "built\n");
        launcher = require(join(root, "scripts", "compiled.js")) as Launcher;
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    it("runs the build when its stamp is newer than every source", () => {
        for (const file of ["index.ts", "src/part.ts", "tsconfig.json"]) at(file, 1_000_000);
        at("bin/.stamp", 2_000_000);
        assert.equal(launcher.isCurrent(), true);
        assert.equal(launcher.load("index.ts"), "compiled");
    });

    it("is not current once any source under src/ is newer, nor without a stamp", () => {
        at("src/part.ts", 3_000_000);
        assert.equal(launcher.isCurrent(), false);
        at("src/part.ts", 1_000_000);
        assert.equal(launcher.isCurrent(), true);
        at("tsconfig.json", 3_000_000);
        assert.equal(launcher.isCurrent(), false);
    });

    it("runs the TypeScript through ts-node when the build is stale", () => {
        at("index.ts", 4_000_000);
        assert.equal(launcher.load("index.ts"), "typescript");
    });
});
