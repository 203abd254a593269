/**
 * Policies on what the database grants: mode roles without cluster-wide power, and PUBLIC with
 * nothing but USAGE on the extensions schema. Each passes the real program's resources (default and
 * seed 004's layout) and reports a hand-made violating variant of one of them.
 */
import { strict as assert } from "assert";

import { modeRolesLeastPrivilege } from "../../policy/rules/mode-roles";
import { publicGetsOnlyExtensionsUsage } from "../../policy/rules/public-grants";
import { TYPE } from "../../src/stack/resources";
import { SEED_004_CONFIG } from "../fixtures/configs";
import { runStack, type StackRun } from "./harness";
import { analyzeResource, analyzeStack, inputOf, type PolicyInput, stackOf, withProps } from "./policy-analyzer";

const ROLE_ATTRIBUTES: Array<[string, string]> = [
    ["superuser", "SUPERUSER"],
    ["createRole", "CREATEROLE"],
    ["createDatabase", "CREATEDB"],
    ["replication", "REPLICATION"],
    ["bypassRowLevelSecurity", "BYPASSRLS"],
];

describe("policy mode-roles-least-privilege", () => {
    let run: StackRun;
    before(async () => (run = await runStack()));

    it("passes every Role the program declares", async () => {
        const roles = run.ofType(TYPE.role);
        assert.equal(roles.length, 3);
        for (const role of roles) assert.deepEqual(await analyzeResource(modeRolesLeastPrivilege, inputOf(role)), []);
    });

    for (const [input, attribute] of ROLE_ATTRIBUTES) {
        it(`reports a mode role with ${input}: true as ${attribute}`, async () => {
            const role = withProps(inputOf(run.get(TYPE.role, "hive-database-role-agent")), { [input]: true });
            const violations = await analyzeResource(modeRolesLeastPrivilege, role);
            assert.deepEqual(
                violations.map((v) => [v.policy, v.level]),
                [["mode-roles-least-privilege", "mandatory"]],
            );
            assert.match(violations[0].message, new RegExp(`hive-database-role-agent is ${attribute}:`));
        });
    }

    it("names every attribute a role has at once, and leaves other resource types alone", async () => {
        const role = inputOf(run.get(TYPE.role, "hive-database-role-genie"));
        const all = withProps(role, Object.fromEntries(ROLE_ATTRIBUTES.map(([input]) => [input, true])));
        const [violation] = await analyzeResource(modeRolesLeastPrivilege, all);
        assert.match(violation.message, /SUPERUSER, CREATEROLE, CREATEDB, REPLICATION, BYPASSRLS/);
        assert.deepEqual(await analyzeResource(modeRolesLeastPrivilege, { ...all, type: TYPE.schema }), []);
    });
});

/** The stack with one PUBLIC grant's inputs replaced. */
function withPublicGrant(stack: PolicyInput[], name: string, props: Record<string, unknown>): PolicyInput[] {
    const found = stack.filter((resource) => resource.name === name);
    assert.equal(found.length, 1, `one resource ${name}`);
    return stack.map((resource) => (resource.name === name ? withProps(resource, props) : resource));
}

describe("policy public-gets-only-extensions-usage", () => {
    let stack: PolicyInput[];
    before(async () => (stack = await stackOf(await runStack())));

    it("passes the program's grants: PUBLIC's REVOKE ALLs and its USAGE on the extensions schema", async () => {
        const publicGrants = stack.filter((r) => r.type === TYPE.grant && r.props.role === "public");
        assert.deepEqual(publicGrants.map((r) => `${r.props.objectType} ${r.props.schema ?? "-"}: ${r.props.privileges}`).sort(), [
            "database -: ",
            "schema extensions: USAGE",
            "schema public: ",
        ]);
        assert.deepEqual(await analyzeStack(publicGetsOnlyExtensionsUsage, stack), []);
    });

    it("passes seed 004's three databases, each with its extensions schema", async () => {
        const seed004 = await stackOf(await runStack(SEED_004_CONFIG));
        assert.ok(seed004.filter((r) => r.type === TYPE.grant && r.props.role === "public").length >= 9);
        assert.deepEqual(await analyzeStack(publicGetsOnlyExtensionsUsage, seed004), []);
    });

    for (const [title, grant, props] of [
        ["CONNECT on the database", "hive-database-grant-public-hive-database", { privileges: ["CONNECT"] }],
        ["CREATE on the public schema", "hive-database-grant-public-hive-public-schema", { privileges: ["CREATE", "USAGE"] }],
        ["CREATE on the extensions schema", "hive-database-grant-public-hive-extensions-schema", { privileges: ["CREATE", "USAGE"] }],
        ["USAGE on a schema without extensions", "hive-database-grant-public-hive-public-schema", { privileges: ["USAGE"] }],
        ["USAGE to PUBLIC spelled upper-case", "hive-database-grant-public-hive-public-schema", { role: "PUBLIC", privileges: ["USAGE"] }],
    ] as const) {
        it(`reports ${title} for PUBLIC`, async () => {
            const violations = await analyzeStack(publicGetsOnlyExtensionsUsage, withPublicGrant(stack, grant, props));
            assert.deepEqual(
                violations.map((v) => [v.policy, v.level, v.urn.endsWith(`::${grant}`)]),
                [["public-gets-only-extensions-usage", "mandatory", true]],
            );
            assert.match(violations[0].message, /to PUBLIC, which may only USE the extensions schema/);
        });
    }

    it("reports default privileges for PUBLIC, and USAGE on the extensions schema once its extensions are gone", async () => {
        const defaults: PolicyInput = {
            type: TYPE.defaultPrivileges,
            name: "public-tables",
            props: { role: "public", owner: "hive_agent", database: "hive", schema: "agent", objectType: "table", privileges: ["SELECT"] },
        };
        const [violation] = await analyzeStack(publicGetsOnlyExtensionsUsage, [...stack, defaults]);
        assert.match(violation.message, /public-tables by default grants SELECT on table hive\.agent to PUBLIC/);
        const withoutExtensions = stack.filter((r) => r.type !== TYPE.extension);
        assert.equal((await analyzeStack(publicGetsOnlyExtensionsUsage, withoutExtensions)).length, 1);
    });
});
