/**
 * Rotations: a mode's `passwordRotation`/`apiKeyRotation` in the team's map, and a stack's own
 * `hive-db:rotations.<mode>` (what `pulumi config set --path 'hive-db:rotations.agent.password' 1`
 * writes), which adds to them without replacing the team's `modes` map.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";

import { deriveCredential } from "../../src/stack/model/credential-derivation";
import { resolveLayout } from "../../src/stack/model/layout";
import { configOf } from "../fixtures/configs";
import { unwrap } from "../fixtures/pulumi-values";
import { MOCK_SEED, runStack, type StackRun } from "./harness";

describe("password rotation", () => {
    /** name -> JSON of inputs, with secrets unwrapped so a changed password shows. */
    async function snapshot(run: StackRun): Promise<Map<string, string>> {
        const entries = await Promise.all(
            run.resources.map(async (r) => [`${r.type}::${r.name}`, JSON.stringify(await unwrap(pulumi.output(r.inputs)))] as const),
        );
        return new Map(entries);
    }

    it("changes only the rotated mode's password and role", async () => {
        const before = await snapshot(await runStack());
        const rotated = await runStack({
            modes: {
                workspace: { schemas: ["public", "agno", "hive"] },
                agent: { schemas: ["agent"], apiPortPrefix: 3, passwordRotation: 1 },
                genie: { schemas: ["genie"], apiPortPrefix: 4 },
            },
        });
        const after = await snapshot(rotated);
        assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), "no resource added or removed");
        const changed = [...after.keys()].filter((key) => after.get(key) !== before.get(key)).sort();
        assert.deepEqual(changed, ["postgresql:index/role:Role::hive-database-role-agent"]);
        const url = await unwrap(rotated.outputs.libpqUrls.agent);
        assert.ok(url.includes(`:${deriveCredential(MOCK_SEED, "role-password", "agent", 1)}@`), "the agent URL carries the new password");
    });

    it("a stack's rotations.<mode>.password rotates that mode and leaves the team's modes map alone", async () => {
        const before = await snapshot(await runStack());
        const rotated = await runStack({ rotations: { agent: { password: 2 } } });
        const after = await snapshot(rotated);
        const changed = [...after.keys()].filter((key) => after.get(key) !== before.get(key)).sort();
        assert.deepEqual(changed, ["postgresql:index/role:Role::hive-database-role-agent"]);
        const url = await unwrap(rotated.outputs.libpqUrls.agent);
        assert.ok(url.includes(`:${deriveCredential(MOCK_SEED, "role-password", "agent", 2)}@`), "the agent URL carries the new password");
    });

    it("rotations add to the mode's own counters, so moving a counter between the two keeps the password", () => {
        const modes = {
            workspace: { schemas: ["w"] },
            agent: { schemas: ["a"], apiPortPrefix: 3, passwordRotation: 1, apiKeyRotation: 2 },
        };
        const agent = (extra: Record<string, unknown>) =>
            resolveLayout(configOf({ modes, ...extra })).modes.find((mode) => mode.name === "agent");
        assert.deepEqual([agent({})?.passwordRotation, agent({ rotations: { agent: { password: 1 } } })?.passwordRotation], [1, 2]);
        assert.equal(agent({ rotations: { agent: { apiKey: 3 } } })?.apiKeyRotation, 5);
        assert.equal(agent({ rotations: { workspace: { password: 4 } } })?.passwordRotation, 1, "another mode's rotation");
    });
});
