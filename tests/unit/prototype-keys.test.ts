/**
 * Mode names that are also Object.prototype members (`constructor`) are data like any other name:
 * per-mode maps are read by own key only, so a missing entry fails instead of reading a function.
 */
import { strict as assert } from "assert";
import { secretOutputs } from "../../src/stack/model/outputs";
import { layoutOf } from "../fixtures/configs";

const layout = layoutOf({ modes: { constructor: { schemas: ["c"], apiPort: 9000 } } });
const server = { host: "127.0.0.1", port: 5532 };

describe("per-mode maps and prototype keys", () => {
    it("builds a mode named constructor from its own password and key", () => {
        const outputs = secretOutputs(layout, server, { passwords: { constructor: "pw" }, apiKeys: { constructor: "key" } });
        // Read as own entries: `.constructor` on any object is Object's constructor function.
        const own = (map: Record<string, string>) => new Map(Object.entries(map)).get("constructor");
        assert.match(own(outputs.libpqUrls) ?? "", /^postgresql:\/\/hive_constructor:pw@/);
        assert.equal(own(outputs.apiKeys), "key");
    });

    it("fails on a missing entry instead of reading Object.prototype.constructor", () => {
        assert.throws(
            () => secretOutputs(layout, server, { passwords: {}, apiKeys: { constructor: "key" } }),
            /no password for mode constructor/,
        );
    });
});
