/**
 * The grant plan gives PUBLIC nothing but USAGE on the shared extensions schema: whatever the layout,
 * PUBLIC's other tuples are the REVOKE ALL ones, and a layout that would grant to PUBLIC is refused.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { ConfigError } from "../../src/stack/config";
import type { Layout } from "../../src/stack/model/layout";
import { planPrivileges, PUBLIC_ROLE } from "../../src/stack/model/privileges";
import { layoutOf } from "../fixtures/configs";
import { propertyRuns } from "../fixtures/property";

const withRole = (layout: Layout, index: number, role: string): Layout => ({
    ...layout,
    modes: layout.modes.map((mode, i) => (i === index ? { ...mode, role } : mode)),
});

describe("the grant plan and PUBLIC", () => {
    it("refuses a mode whose role is PUBLIC instead of merging its grants into PUBLIC's revoke", () => {
        const layout = withRole(layoutOf({}), 1, PUBLIC_ROLE);
        assert.throws(() => planPrivileges(layout), /refusing to grant CONNECT, CREATE, TEMPORARY on database hive to PUBLIC/);
    });

    it("gives PUBLIC nothing but REVOKE ALL and extensions USAGE: a config naming PUBLIC is rejected, any other plans no more", () => {
        const modeName = fc.stringMatching(/^m[a-z0-9_]{0,8}$/);
        const config = fc.uniqueArray(modeName, { minLength: 1, maxLength: 5 }).chain((names) =>
            fc.record({
                database: fc.constantFrom("hive", "other"),
                modes: fc
                    .tuple(
                        ...names.map((name, index) =>
                            fc.record({
                                schemas: fc.constant([`s_${name}`]),
                                role: fc.constantFrom(undefined, PUBLIC_ROLE, `r_${name}`),
                                database: fc.constantFrom(undefined, "hive", `db_${name}`),
                                readers: fc.subarray(names.filter((other) => other !== name)),
                                apiPort: fc.constant(9000 + index),
                            }),
                        ),
                    )
                    .map((modes) => Object.fromEntries(modes.map((mode, index) => [names[index], mode]))),
            }),
        );
        fc.assert(
            fc.property(config, (raw) => {
                let layout: Layout;
                try {
                    layout = layoutOf(JSON.parse(JSON.stringify(raw)));
                } catch (error) {
                    assert.ok(error instanceof ConfigError && /PUBLIC/.test(error.message), String(error));
                    return;
                }
                const { grants, defaultPrivileges } = planPrivileges(layout);
                for (const grant of grants.filter((g) => g.role === PUBLIC_ROLE)) {
                    // PUBLIC is revoked from, and given USAGE on the shared extensions schema alone.
                    const extensionsUsage = grant.objectType === "schema" && grant.schema === layout.extensionsSchema;
                    assert.deepEqual(grant.privileges, extensionsUsage ? ["USAGE"] : [], `${grant.name} grants to PUBLIC`);
                }
                assert.ok(defaultPrivileges.every((d) => d.role !== PUBLIC_ROLE && d.owner !== PUBLIC_ROLE));
            }),
            propertyRuns(),
        );
    });
});
