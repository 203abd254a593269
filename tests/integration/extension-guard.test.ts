/**
 * The extension guard as a managed service's admin installs it (RDS, Cloud SQL: that admin may
 * create event triggers but is no superuser): it must still let that admin create the stack's
 * extensions, and refuse the mode roles. A plain PostgreSQL lets only a superuser create an event
 * trigger, so the superuser installs here the guard the stack would install naming a non-superuser
 * admin; the guard's function is what decides, whoever created the trigger.
 */
import { strict as assert } from "node:assert";

import { extensionGuardSql } from "../../src/stack/model/extension-guard-sql";
import { DEFAULT_LAYOUT, useVerifyServer } from "./verify-server";

const MANAGED_ADMIN = "hive_managed_admin";

describe("the extension guard, naming an admin that is not a superuser", function () {
    this.timeout(300_000);
    const server = useVerifyServer();

    before(async () => {
        await server.apply(DEFAULT_LAYOUT);
        await server.runSteps([
            { database: "postgres", sql: `DROP ROLE IF EXISTS ${MANAGED_ADMIN}; CREATE ROLE ${MANAGED_ADMIN} NOLOGIN CREATEDB CREATEROLE` },
            { database: "postgres", sql: `GRANT CREATE ON DATABASE hive TO ${MANAGED_ADMIN}` },
            { database: "hive", sql: extensionGuardSql(DEFAULT_LAYOUT.extensionsSchema, MANAGED_ADMIN).join(";\n") },
        ]);
    });

    const as = (role: string, sql: string) => server.runSteps([{ database: "hive", sql: `SET ROLE ${role}; ${sql}; RESET ROLE` }]);

    it("lets that admin create an extension", async () => {
        await as(MANAGED_ADMIN, "CREATE EXTENSION citext SCHEMA extensions");
        await server.runSteps([{ database: "hive", sql: "DROP EXTENSION citext" }]);
    });

    it("refuses the mode roles, naming the role", async () => {
        await assert.rejects(as("hive_agent", "CREATE EXTENSION citext SCHEMA hive"), /hive_agent may not create extensions/);
    });

    it("refuses a role that merely holds the admin's name in its own catalog view", async () => {
        const shadow = `CREATE TEMP VIEW pg_roles AS SELECT '${MANAGED_ADMIN}'::name AS rolname, true AS rolsuper, 0::oid AS oid; SET search_path = pg_temp, pg_catalog`;
        await assert.rejects(as("hive_genie", `${shadow}; CREATE EXTENSION citext SCHEMA genie`), /hive_genie may not create extensions/);
    });
});
