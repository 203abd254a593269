/**
 * One plan, two renderings: the resources HiveDatabase declares under Pulumi's mocks are exactly the
 * entries of the layout's database plan (src/stack/model/database-plan.ts), which plan-sql.ts renders
 * as the SQL the real-server tests and the benchmark run. A resource added to the component without
 * the plan, or the other way round, fails here.
 */
import { strict as assert } from "node:assert";

import { planDatabaseLayer, type DatabasePlan } from "../../src/stack/model/database-plan";
import { extensionGuardSql } from "../../src/stack/model/extension-guard-sql";
import { TYPE } from "../../src/stack/resources";
import { DEFAULT_CONFIG, layoutOf, SEED_004_CONFIG, SHARED_KNOWLEDGE_CONFIG } from "../fixtures/configs";
import { guardsOf, runStack, type StackRun } from "./harness";
import { reveal } from "../fixtures/pulumi-values";

const SERVER = { server: { host: "db.example.com", sslmode: "verify-full", sslrootcert: "system", profile: "azure" } };

const list = (values: readonly string[] | undefined) => (values ?? []).join(",");

/** The plan's entries as comparable lines. */
function planLines(plan: DatabasePlan): string[] {
    return [
        ...plan.databases.map((database) => `database ${database}`),
        ...plan.schemas.map(({ database, schema, owner }) => `schema ${database}.${schema} owner ${owner ?? "(admin)"}`),
        ...plan.extensions.map(({ database, extension, schema }) => `extension ${database} ${extension} in ${schema}`),
        ...plan.guards.map(
            ({ database, schema, admin }) => `guard ${database}: ${extensionGuardSql(schema, admin).length} statements in ${schema}`,
        ),
        ...plan.roles.map((mode) => `role ${mode.role} limit ${mode.connectionLimit} path ${list(mode.searchPath)}`),
        ...plan.grants.map((g) => `grant ${g.role} ${g.database} ${g.schema ?? "-"} ${g.objectType}: ${list(g.privileges)}`),
        ...plan.defaultPrivileges.map(
            (d) => `defaults ${d.owner} ${d.role} ${d.database} ${d.schema} ${d.objectType}: ${list(d.privileges)}`,
        ),
    ].sort();
}

/** The same lines from what the program registered. */
function registeredLines(run: StackRun): string[] {
    const each = (type: string, line: (inputs: Record<string, any>) => string) => run.ofType(type).map((r) => line(r.inputs));
    return [
        ...each(TYPE.database, (i) => `database ${i.name}`),
        ...each(TYPE.schema, (i) => `schema ${i.database}.${i.name} owner ${i.owner ?? "(admin)"}`),
        ...each(TYPE.extension, (i) => `extension ${i.database} ${i.name} in ${i.schema}`),
        ...guardsOf(run).map(({ inputs: i }) => {
            const schema = /CREATE OR REPLACE FUNCTION "([^"]+)"\./.exec(i.statements[0])?.[1];
            assert.deepEqual(i.statements, extensionGuardSql(schema ?? "?", "hive_admin"));
            return `guard ${i.database}: ${i.statements.length} statements in ${schema}`;
        }),
        ...each(TYPE.role, (i) => `role ${i.name} limit ${i.connectionLimit} path ${list(i.searchPaths)}`),
        ...each(TYPE.grant, (i) => `grant ${i.role} ${i.database} ${i.schema ?? "-"} ${i.objectType}: ${list(i.privileges)}`),
        ...each(
            TYPE.defaultPrivileges,
            (i) => `defaults ${i.owner} ${i.role} ${i.database} ${i.schema} ${i.objectType}: ${list(i.privileges)}`,
        ),
    ].sort();
}

const CASES: Array<[string, Record<string, unknown>, boolean]> = [
    ["the default layout", DEFAULT_CONFIG, true],
    ["a shared knowledge database", SHARED_KNOWLEDGE_CONFIG, true],
    ["seed 004's three databases", SEED_004_CONFIG, true],
    ["a managed server with no event triggers (azure: no guard)", SERVER, false],
];

describe("the database plan is what the program declares", () => {
    for (const [title, config, guard] of CASES) {
        it(`${title}: every resource is a plan entry and every entry a resource`, async () => {
            const run = await runStack(config);
            const plan = planDatabaseLayer(layoutOf(config), { guard });
            const registered = registeredLines(run);
            assert.ok(registered.length > 10, "the program declared its database layer");
            assert.deepEqual(registered, planLines(plan));
            assert.equal(reveal(guardsOf(run)[0]?.inputs.url) !== undefined, guard);
        });
    }
});
