import { strict as assert } from "assert";
import { identifierProblem } from "../../src/stack/config";
import { apiPortFor, bindMountUser } from "../../src/stack/model/naming";
import { configOf } from "../fixtures/configs";

describe("naming helpers", () => {
    it("computes API ports from prefix digits", () => {
        const mode = (extra: object) => ({
            schemas: ["a"],
            readers: [],
            connectionLimit: 1,
            passwordRotation: 0,
            apiKeyRotation: 0,
            ...extra,
        });
        assert.equal(apiPortFor(mode({ apiPortPrefix: 3 }), 8886), 38886);
        assert.equal(apiPortFor(mode({ apiPortPrefix: 4 }), 8886), 48886);
        assert.equal(apiPortFor(mode({ apiPortPrefix: 2 }), 700), 2700);
        assert.equal(apiPortFor(mode({}), 8886), 8886);
        assert.equal(apiPortFor(mode({ apiPortPrefix: 3, apiPort: 9999 }), 8886), 9999);
    });

    it("accepts the seeds' names and rejects unsafe ones", () => {
        for (const ok of ["hive", "agno", "public", "hive_agent", "_x1"]) {
            assert.equal(identifierProblem(ok), undefined, ok);
        }
        for (const bad of ["", "1x", "A", "x-y", "x y", "pg_x", "select", "ä"]) {
            assert.notEqual(identifierProblem(bad), undefined, bad);
        }
    });

    it("runs a bind-mounted server as the host user unless told otherwise", () => {
        const container = configOf({ container: { dataDirectory: "/srv/pg" } }).container;
        assert.equal(
            bindMountUser(container, () => ({ uid: 1234, gid: 99 })),
            "1234:99",
        );
        const pinned = configOf({ container: { dataDirectory: "/srv/pg", user: "1000:1000" } }).container;
        assert.equal(
            bindMountUser(pinned, () => assert.fail("host ids not needed")),
            "1000:1000",
        );
    });
});
