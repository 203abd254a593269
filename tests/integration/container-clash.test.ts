/**
 * `npm run up` refuses a container with the stack's container name that the stack does not know
 * (another developer's, the Makefile era's, one from a lost state), before anything changes, with
 * the settings to give this stack its own (src/commands/up/container-clash.ts).
 */
import { strict as assert } from "node:assert";

import { ContainerClash, refuseForeignContainer } from "../../src/commands/up/container-clash";
import { docker, IMAGE, removeContainer, requireDockerOrSkip, uniqueName } from "./helpers";

describe("a container name another stack holds", function () {
    this.timeout(60_000);
    const name = uniqueName("clash");
    before(async function () {
        await requireDockerOrSkip(this);
        await docker(["create", "--name", name, IMAGE]);
    });
    after(() => removeContainer(name));

    it("is refused, naming the settings that give this stack its own container", async () => {
        await assert.rejects(refuseForeignContainer(name, [], "dev"), (error: Error) => {
            assert.ok(error instanceof ContainerClash);
            assert.match(error.message, new RegExp(`a container named ${name} already exists and is not stack dev's`));
            assert.match(error.message, /pulumi config set --path 'hive-db:container\.name'[\s\S]*hostPort[\s\S]*volume[\s\S]*network/);
            return true;
        });
    });

    it("is the stack's own when its state names it, and nothing is in the way of a free name", async () => {
        await refuseForeignContainer(name, [name], "dev");
        await refuseForeignContainer(uniqueName("free"), [], "dev");
    });
});
