/**
 * docs/security.md links each claim to the test that proves it: every linked file exists, and every
 * quoted test name (fragments around "…") is found in a file the same bullet links.
 */
import { strict as assert } from "assert";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const DOCS = resolve(__dirname, "../../docs");
const doc = readFileSync(join(DOCS, "security.md"), "utf8");
const bullets = doc.split(/\n(?=- )/).filter((bullet) => bullet.includes("](../tests/"));

describe("docs/security.md", () => {
    it("links every protected claim to a test", () => {
        const claims = doc.slice(doc.indexOf("## What is protected"), doc.indexOf("## What it does not protect"));
        const unlinked = claims.split(/\n(?=- )/).filter((bullet) => bullet.startsWith("- ") && !bullet.includes("](../tests/"));
        assert.deepEqual(unlinked, []);
        assert.ok(bullets.length >= 15, `${bullets.length} claims with tests`);
    });

    it("names test files that exist and test names found in them", () => {
        const missing: string[] = [];
        for (const bullet of bullets) {
            const files = [...bullet.matchAll(/\]\((\.\.\/tests\/[^)]+)\)/g)].map((match) => resolve(DOCS, match[1]));
            missing.push(...files.filter((file) => !existsSync(file)));
            const sources = files.filter(existsSync).map((file) => readFileSync(file, "utf8"));
            const fragments = [...bullet.matchAll(/"([^"]+)"/g)].flatMap((match) =>
                match[1].split("…").map((part) => part.replace(/\s+/g, " ").trim()),
            );
            missing.push(...fragments.filter((part) => part.length > 0 && !sources.some((source) => source.includes(part))));
        }
        assert.deepEqual(missing, []);
    });
});
