/**
 * Server mode on the real engine: the database layer against a PostgreSQL the test starts (as the
 * old Makefile's container or a managed server would be), with no Docker resource of the stack's.
 */
import { strict as assert } from "node:assert";

import { finishAdoption } from "../../src/commands/adopt/finish";
import { parseLibpqUrl } from "../../src/commands/verify/targets";
import {
    randomPassword,
    removeContainer,
    removeVolume,
    startPostgres,
    tcpConfig,
    uniqueName,
    waitHealthy,
    withClient,
} from "../integration/helpers";
import { assertRowsIntact, assertVerifyPasses, writeRows } from "./data";
import { EngineStack, requireEngineOrSkip } from "./engine";

/** A stack on the server at 127.0.0.1:port, with no container config. */
const serverOptions = (port: number) => ({ server: true, config: { server: { host: "127.0.0.1", port, sslmode: "disable" } } });

describe("engine: an existing server", function () {
    this.timeout(900_000);
    const engine = new EngineStack();
    const name = uniqueName("engine-server");
    const admin_ = { user: "hive_admin", password: randomPassword() };
    let output = "";
    const collect = { color: "never" as const, onOutput: (text: string) => (output += text) };

    before(async function () {
        await requireEngineOrSkip(this);
        const port = await startPostgres({ name, volume: name, env: { POSTGRES_USER: admin_.user, POSTGRES_PASSWORD: admin_.password } });
        await waitHealthy(name);
        await engine.create("server", serverOptions(port), admin_.password);
    });
    after(async () => {
        await engine.dispose();
        await removeContainer(name);
        await removeVolume(name);
    });

    it("comes up with no Docker resource and exports only what it has", async () => {
        const result = await engine.stack.up(collect);
        assert.deepEqual(Object.keys(result.summary.resourceChanges ?? {}), ["create"]);
        assert.doesNotMatch(JSON.stringify(await engine.stack.exportStack()), /"type":"docker:/);
        assert.doesNotMatch(output, /Undefined value/);
        const outputs = await engine.outputs();
        assert.deepEqual(
            ["containerName", "networkName", "volumeName"].filter((key) => key in outputs),
            [],
        );
        await assertVerifyPasses(outputs);
        await writeRows(outputs);
    });

    it("previews no changes, with and without a refresh", async () => {
        await engine.stack.preview({ color: "never", expectNoChanges: true });
        await engine.stack.preview({ color: "never", expectNoChanges: true, refresh: true });
    });

    it("destroy keeps the databases and roles; up takes them over with working credentials", async () => {
        await engine.stack.destroy({ color: "never" });
        output = "";
        await engine.stack.up(collect);
        assert.doesNotMatch(output, /Undefined value/);
        const outputs = await engine.outputs();
        await assertRowsIntact(outputs);
        await assertVerifyPasses(outputs);
        await engine.stack.preview({ color: "never", expectNoChanges: true, refresh: true });
    });

    describe("adopt --finish", () => finishOnServer(engine, admin_));
});

/** The step after adopting an existing server's data (README, "Existing installs"), on server mode. */
function finishOnServer(engine: EngineStack, admin: { user: string; password: string }) {
    it("adopt --finish gives the workspace a table the server's admin made, through the stack's outputs", async () => {
        const outputs = await engine.outputs();
        const login = tcpConfig(outputs.serverPort, admin.user, admin.password, "hive");
        await withClient(login, (client) => client.query("CREATE TABLE public.legacy_notes (id serial PRIMARY KEY, body text)"));
        const [report] = await finishAdoption(engine.stack, () => undefined);
        assert.deepEqual(
            report.changed.map((change) => `${change.object} ${change.from}→${change.to}`),
            ["public.legacy_notes hive_admin→hive_workspace"],
        );
        await withClient(parseLibpqUrl(outputs.libpqUrls.workspace), (client) =>
            client.query("INSERT INTO legacy_notes (body) VALUES ('x')"),
        );
    });
}
