/**
 * Files small enough to read in one sitting: no source file of any language over 250 lines (ESLint's
 * max-lines covers TypeScript as it is edited; this covers the shell, Python and config files too).
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { REPOSITORY } from "../../src/shared/repository";

const MAX_LINES = 250;
const SOURCE = /\.(ts|js|mjs|cjs|py|sh)$|^\.ci\/run$/;

describe("file size", () => {
    it(`no source file has more than ${MAX_LINES} lines`, () => {
        const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: REPOSITORY, encoding: "utf8" })
            .split("\n")
            .filter((file) => SOURCE.test(file));
        assert.ok(files.length > 50, `${files.length} source files found`);
        const long = files
            .map((file) => ({ file, lines: readFileSync(join(REPOSITORY, file), "utf8").split("\n").length - 1 }))
            .filter(({ lines }) => lines > MAX_LINES)
            .map(({ file, lines }) => `${file}: ${lines} lines`);
        assert.deepEqual(long, []);
    });
});
