/**
 * A stack made by the last released version (stop 12, d43dea4: the docker provider's Network, no
 * stop grace period in the state) taken over by this version's `npm run up`: the same network and
 * container, no row lost, verify passing, then a clean no-change preview and a destroy that removes
 * the network. Skipped with one line where the checkout has no git history to take that version from.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";

import { bringUp } from "../../src/commands/up/bring-up";
import { projectSettings } from "../../src/commands/bench/scratch-stack";
import { REPOSITORY } from "../../src/shared/repository";
import { docker } from "../integration/helpers";
import { assertRowsIntact, assertVerifyPasses, writeRows } from "./data";
import { EngineStack, requireEngineOrSkip } from "./engine";

const RELEASED = "d43dea4";

/** The released version's files in `dir`, sharing this checkout's node_modules; false without that commit. */
function checkOut(dir: string): boolean {
    try {
        execFileSync("git", ["cat-file", "-e", `${RELEASED}^{commit}`], { cwd: REPOSITORY, stdio: "ignore" });
    } catch {
        return false;
    }
    mkdirSync(dir, { recursive: true });
    execFileSync("sh", ["-c", `git archive ${RELEASED} | tar -x -C '${dir}'`], { cwd: REPOSITORY });
    symlinkSync(join(REPOSITORY, "node_modules"), join(dir, "node_modules"));
    return true;
}

const idOf = (kind: "container" | "network", name: string) => docker([kind, "inspect", "--format", "{{.Id}}", name]);

describe("engine: a stack of the released version taken over by this one", function () {
    this.timeout(900_000);
    const engine = new EngineStack();
    const released = join(engine.dir, "released");
    let network = "";
    let container = "";
    before(async function () {
        await requireEngineOrSkip(this);
        if (!checkOut(released)) {
            console.log(`      skipping the upgrade test: this checkout has no commit ${RELEASED} (a shallow clone?)`);
            this.skip();
        }
        await engine.create("dev", { repository: released });
        await engine.stack.up({ color: "never" });
        await writeRows(await engine.outputs());
        [network, container] = await Promise.all([idOf("network", engine.networkName), idOf("container", engine.containerName)]);
    });
    after(async () => {
        await engine.dispose();
        rmSync(released, { recursive: true, force: true });
    });

    it("npm run up keeps the network and the container, every row, and verify passes", async () => {
        await engine.stack.workspace.saveProjectSettings(projectSettings());
        const lines: string[] = [];
        await bringUp(engine.stack, { log: (line) => lines.push(line) });
        assert.equal(await idOf("network", engine.networkName), network);
        assert.equal(await idOf("container", engine.containerName), container);
        assert.match(lines.join("\n"), /grace period to stop cleanly, recorded in the state/);
        const outputs = await engine.outputs();
        await assertRowsIntact(outputs);
        await assertVerifyPasses(outputs);
    });

    it("then previews no change, and a destroy removes the network it now manages", async () => {
        await engine.stack.preview({ color: "never", expectNoChanges: true });
        await engine.stack.destroy({ color: "never" });
        await assert.rejects(idOf("network", engine.networkName));
    });
});
