/**
 * verify's checks of what the apps run at every start (`CREATE SCHEMA IF NOT EXISTS` for their own
 * schemas) and of what the CREATE privilege on the database that it needs also allows.
 */
import { strict as assert } from "node:assert";

import { layoutOf, OWN_DATABASES_CONFIG } from "../fixtures/configs";
import type { Step } from "../fixtures/stack-plan";
import { type Breakage, DEFAULT_LAYOUT, itFailsExactly, keysWith, useVerifyServer } from "./verify-server";

/** `sql` run by `role` (the admin may SET ROLE to any role), in the hive database. */
const asRole = (role: string, sql: string): Step[] => [{ database: "hive", sql: `SET ROLE ${role}; ${sql}; RESET ROLE;` }];
const inPostgres = (sql: string): Step[] => [{ database: "postgres", sql }];

/** A superuser's event trigger that refuses every new extension but pg_trgm, as an allow-list would. */
const ALLOW_ONLY_PG_TRGM = `
CREATE FUNCTION public.allow_only_pg_trgm() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE EXTENSION' AND object_identity <> 'pg_trgm') THEN
        RAISE EXCEPTION 'extension is not allow-listed';
    END IF;
END $$;
CREATE EVENT TRIGGER allow_only_pg_trgm ON ddl_command_end WHEN TAG IN ('CREATE EXTENSION') EXECUTE FUNCTION public.allow_only_pg_trgm()`;

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
        // An allow-list (Azure's azure.extensions) refusing all but one: the first mode of the database finds it.
        title: "the guard is gone and an allow-list lets pg_trgm through",
        sql: [{ database: "hive", sql: `DROP EVENT TRIGGER hive_db_extension_guard; ${ALLOW_ONLY_PG_TRGM}` }],
        fails: ["startup-schemas workspace"],
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
        // The first mode of a database tries every trusted extension the server offers, the others one.
        assert.match(
            workspace?.detail ?? "",
            /^CREATE SCHEMA IF NOT EXISTS public, agno, hive succeeds; a new schema stays private; CREATE EXTENSION of \d+ trusted extensions refused$/,
        );
        const agent = rows.find((result) => result.id === "startup-schemas" && result.subject === "agent");
        assert.match(agent?.detail ?? "", /; CREATE EXTENSION citext refused$/);
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

describe("verify: trusted extensions where nothing refuses them, each mode alone in its database", function () {
    this.timeout(600_000);
    const layout = layoutOf(OWN_DATABASES_CONFIG);
    const server = useVerifyServer([layout]);
    const withoutGuard: Step[] = layout.databases.map((database) => ({ database, sql: "DROP EVENT TRIGGER hive_db_extension_guard" }));

    it("passes, saying the extensions are allowed in the mode's own database only", async () => {
        await server.apply(layout, withoutGuard);
        const results = await server.verify(server.outputs(layout));
        assert.deepEqual(keysWith(results, "fail"), []);
        const agent = results.find((result) => result.id === "startup-schemas" && result.subject === "agent");
        assert.match(
            agent?.detail ?? "",
            /CREATE EXTENSION of \d+ trusted extensions: citext, .* allowed, in its own database hive_agent only/,
        );
    });
});
