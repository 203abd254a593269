import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { CONFIG_KEYS } from "../../src/stack/config";

const ROOT = path.resolve(__dirname, "../..");

describe("the config reference (docs/configuration.md)", () => {
    const reference = fs.readFileSync(path.join(ROOT, "docs", "configuration.md"), "utf8");
    /** Keys in the first column of the table that follows `heading`. */
    function tableKeys(heading: RegExp): string[] {
        const start = reference.search(heading);
        assert.ok(start >= 0, `docs/configuration.md has ${heading}`);
        const lines = reference.slice(start).split("\n");
        const table = lines.slice(lines.findIndex((line) => line.startsWith("|")));
        const rows = table.slice(
            0,
            table.findIndex((line) => !line.startsWith("|")),
        );
        return rows.slice(2).map((row) => /^\| `([^`]+)`/.exec(row)?.[1] ?? `unparsed: ${row}`);
    }
    const sections: [string, RegExp, string[]][] = [
        ["top level", /Every key is in the `hive-db` namespace/, CONFIG_KEYS.top],
        ["modes", /^`modes\.<mode>`:/m, CONFIG_KEYS.mode],
        ["rotations", /^`rotations\.<mode>`/m, CONFIG_KEYS.rotation],
        ["container", /^`container`:/m, CONFIG_KEYS.container],
        ["server", /^`server` \(/m, CONFIG_KEYS.server],
    ];
    for (const [name, heading, keys] of sections) {
        it(`documents exactly the ${name} keys the code accepts`, () => {
            assert.deepEqual(tableKeys(heading).sort(), [...keys].sort());
        });
    }
});
