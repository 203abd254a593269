/**
 * Extension names are quoted identifiers, not schema-style names: `uuid-ossp` and `pg_trgm` are
 * real extensions. They reach the provider and the SQL quoted, and never a URL or a search_path.
 */
import { strict as assert } from "assert";
import { layoutOf } from "../fixtures/configs";
import { stackSteps } from "../fixtures/stack-plan";
import { runStack } from "./harness";
import { TYPE } from "../../src/stack/resources";

const EXTENSIONS = ["vector", "uuid-ossp", "pg_trgm"];

describe("extensions that need quoting", () => {
    it("are declared one resource each, by their exact name", async () => {
        const run = await runStack({ extensions: EXTENSIONS });
        const declared = run.ofType(TYPE.extension).map((e) => `${e.name} ${e.inputs.name} ${e.inputs.schema}`);
        assert.deepEqual(declared.sort(), EXTENSIONS.map((name) => `hive-database-ext-hive-${name} ${name} extensions`).sort());
        assert.deepEqual(run.get(TYPE.role, "hive-database-role-agent").inputs.searchPaths, ["agent", "extensions"]);
    });

    it("are quoted in the stack's SQL", () => {
        const sql = stackSteps(layoutOf({ extensions: EXTENSIONS }), { workspace: "w", agent: "a", genie: "g" })
            .map((step) => step.sql)
            .join("\n");
        assert.match(sql, /CREATE EXTENSION IF NOT EXISTS "uuid-ossp" SCHEMA "extensions";/);
    });
});
