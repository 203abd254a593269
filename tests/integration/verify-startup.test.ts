/**
 * verify's checks of what the apps run at every start (`CREATE SCHEMA IF NOT EXISTS` for their own
 * schemas) and of what the CREATE privilege on the database that it needs also allows.
 */
import { strict as assert } from "node:assert";

import type { Step } from "../fixtures/stack-plan";
import { type Breakage, DEFAULT_LAYOUT, itFailsExactly, keysWith, useVerifyServer } from "./verify-server";

/** `sql` run by `role` (the admin may SET ROLE to any role), in the hive database. */
const asRole = (role: string, sql: string): Step[] => [{ database: "hive", sql: `SET ROLE ${role}; ${sql}; RESET ROLE;` }];
const inPostgres = (sql: string): Step[] => [{ database: "postgres", sql }];

// prettier-ignore
const BREAKAGES: Breakage[] = [
    {
        title: "hive_workspace lost CREATE on database hive",
        sql: inPostgres("REVOKE CREATE ON DATABASE hive FROM hive_workspace"),
        fails: ["startup-schemas workspace"],
    },
    {
        title: "every mode has the old grants (CONNECT and TEMPORARY only)",
        sql: inPostgres("REVOKE CREATE ON DATABASE hive FROM hive_workspace, hive_agent, hive_genie"),
        fails: ["startup-schemas agent", "startup-schemas genie", "startup-schemas workspace"],
    },
    {
        title: "new schemas of hive_agent are open to hive_genie (default privileges)",
        sql: [{ database: "hive", sql: "ALTER DEFAULT PRIVILEGES FOR ROLE hive_agent GRANT USAGE ON SCHEMAS TO hive_genie" }],
        fails: ["startup-schemas agent"],
    },
    {
        title: "new schemas of hive_genie are open to PUBLIC (default privileges)",
        sql: [{ database: "hive", sql: "ALTER DEFAULT PRIVILEGES FOR ROLE hive_genie GRANT CREATE ON SCHEMAS TO PUBLIC" }],
        fails: ["startup-schemas genie"],
    },
    {
        title: "hive_genie created a schema the config does not know",
        sql: asRole("hive_genie", "CREATE SCHEMA genie_scratch"),
        fails: ["unmanaged-objects genie"],
    },
    {
        // A trusted extension goes into any schema, even another mode's: the hole the guard closes.
        title: "the extension guard is gone",
        sql: [{ database: "hive", sql: "DROP EVENT TRIGGER hive_db_extension_guard" }],
        fails: ["startup-schemas agent", "startup-schemas genie", "startup-schemas workspace"],
    },
    {
        title: "the guard is gone and hive_agent installed the trusted extension citext into workspace's hive schema",
        sql: [{ database: "hive", sql: "DROP EVENT TRIGGER hive_db_extension_guard" }, ...asRole("hive_agent", "CREATE EXTENSION citext SCHEMA hive")],
        fails: ["startup-schemas agent", "startup-schemas genie", "startup-schemas workspace", "unmanaged-objects agent"],
    },
];

describe("verify: schema creation at startup, and what the CREATE privilege allows", function () {
    this.timeout(600_000);
    const server = useVerifyServer();

    it("passes on the stack's own layer: every mode can re-create its own schemas", async () => {
        await server.apply(DEFAULT_LAYOUT);
        const results = await server.verify(server.outputs(DEFAULT_LAYOUT));
        const rows = results.filter((result) => result.id === "startup-schemas" || result.id === "unmanaged-objects");
        assert.equal(rows.length, 2 * DEFAULT_LAYOUT.modes.length);
        assert.deepEqual(keysWith(rows, "fail"), []);
        const workspace = rows.find((result) => result.id === "startup-schemas" && result.subject === "workspace");
        assert.match(
            workspace?.detail ?? "",
            /^CREATE SCHEMA IF NOT EXISTS public, agno, hive succeeds; a new schema stays private; CREATE EXTENSION refused$/,
        );
    });

    it("lets a mode role run Agno's CREATE EXTENSION IF NOT EXISTS vector, and refuses it any new extension", async () => {
        await server.apply(DEFAULT_LAYOUT);
        await server.runSteps(asRole("hive_agent", "CREATE EXTENSION IF NOT EXISTS vector"));
        await assert.rejects(
            server.runSteps(asRole("hive_agent", "CREATE EXTENSION citext SCHEMA hive")),
            /hive_agent may not create extensions/,
        );
        await assert.rejects(server.runSteps(asRole("hive_agent", "CREATE EXTENSION citext SCHEMA agent")), /may not create extensions/);
    });

    it("cannot be fooled by a role's own pg_roles, in its temporary schema or on its search_path", async () => {
        await server.apply(DEFAULT_LAYOUT);
        const fakeSuperuser = "SELECT current_user::name AS rolname, true AS rolsuper";
        const shadows = [
            `CREATE TEMP VIEW pg_roles AS ${fakeSuperuser}; SET search_path = pg_temp, agent, pg_catalog`,
            `CREATE VIEW agent.pg_roles AS ${fakeSuperuser}; SET search_path = agent, pg_catalog`,
        ];
        for (const shadow of shadows) {
            await assert.rejects(
                server.runSteps(asRole("hive_agent", `${shadow}; CREATE EXTENSION citext SCHEMA hive`)),
                /may not create extensions/,
            );
        }
    });

    itFailsExactly(server, DEFAULT_LAYOUT, BREAKAGES);
});
