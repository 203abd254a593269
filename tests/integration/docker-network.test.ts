/**
 * The stack's network provider (src/stack/components/docker-network.ts) on a real Docker engine:
 * creates the labelled bridge network, takes over one of its name that exists, reads it back or
 * reports it gone, and deletes it, a second time too.
 */
import { strict as assert } from "node:assert";

import { networkProvider } from "../../src/stack/components/docker-network";
import { docker, requireDockerOrSkip, uniqueName } from "./helpers";

describe("the stack's network provider", function () {
    this.timeout(60_000);
    const name = uniqueName("network");
    const inputs = { kind: "hive-db-network", name, labels: { "dev.automagik.hive-db.stack": "hive-db/test" } };
    let id = "";
    before(async function () {
        await requireDockerOrSkip(this);
    });
    after(() => docker(["network", "rm", name]).catch(() => undefined));

    it("creates a labelled bridge network, and takes over the one of its name the second time", async () => {
        id = (await networkProvider.create(inputs)).id;
        const seen = JSON.parse(await docker(["network", "inspect", "--format", "{{json .}}", name]));
        assert.equal(seen.Id, id);
        assert.equal(seen.Driver, "bridge");
        assert.deepEqual(seen.Labels, inputs.labels);
        assert.equal((await networkProvider.create(inputs)).id, id);
    });

    it("reads it back while it exists", async () => {
        assert.deepEqual(await networkProvider.read?.(id, inputs), { id, props: inputs });
    });

    it("deletes it, and a second delete of what is gone is not an error; a read then reports it gone", async () => {
        await networkProvider.delete?.(id, inputs);
        await assert.rejects(docker(["network", "inspect", name]));
        await networkProvider.delete?.(id, inputs);
        assert.deepEqual(await networkProvider.read?.(id, inputs), {});
    });

    it("an earlier version's Network is updated in place, never replaced; a rename replaces", async () => {
        const legacy = { name, labels: inputs.labels, driver: "bridge" } as never;
        assert.deepEqual(await networkProvider.diff?.(id, legacy, inputs), { changes: true, replaces: [], deleteBeforeReplace: false });
        const renamed = { ...inputs, name: `${name}-2` };
        assert.deepEqual((await networkProvider.diff?.(id, inputs, renamed))?.replaces, ["name"]);
        assert.equal((await networkProvider.diff?.(id, inputs, inputs))?.changes, false);
    });
});
