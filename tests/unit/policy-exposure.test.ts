/**
 * Policies on how the server is reached: the container's port on loopback only (unless the policy
 * config allows an address), and TLS on every connection to an existing server (unless the policy
 * config exempts its host). Inputs are the real program's, in container and in server mode.
 */
import { strict as assert } from "assert";

import { loopbackBindOnly } from "../../policy/rules/loopback-bind";
import { serverConnectionsUseTls } from "../../policy/rules/server-tls";
import { TYPE } from "../../src/stack/resources";
import { runStack, type StackRun } from "./harness";
import { analyzeResource, analyzeStack, inputOf, type PolicyInput, secretWire, stackOf, withProps } from "./policy-analyzer";

const CONTAINER = "hive-postgres-container";

describe("policy loopback-bind-only", () => {
    let run: StackRun;
    let container: PolicyInput;
    before(async () => {
        run = await runStack();
        container = inputOf(run.get(TYPE.container, CONTAINER));
    });
    const bound = (ip?: string) =>
        withProps(container, { ports: [{ internal: 5432, external: 5532, ...(ip === undefined ? {} : { ip }) }] });

    it("passes the program's container, published on 127.0.0.1, and one on ::1", async () => {
        assert.deepEqual(container.props.ports, [{ internal: 5432, external: 5532, ip: "127.0.0.1" }]);
        assert.deepEqual(await analyzeResource(loopbackBindOnly, container), []);
        assert.deepEqual(await analyzeResource(loopbackBindOnly, bound("::1")), []);
    });

    it("reports the bind the stack's own opt-in allows: allowNonLoopbackBind is not the platform's exception", async () => {
        const optedIn = await runStack({ container: { bindAddress: "0.0.0.0", allowNonLoopbackBind: true } });
        const violations = await analyzeResource(loopbackBindOnly, inputOf(optedIn.get(TYPE.container, CONTAINER)));
        assert.deepEqual(
            violations.map((v) => [v.policy, v.level, v.message]),
            [["loopback-bind-only", "mandatory", `container ${CONTAINER} publishes port 5532 → 5432 on 0.0.0.0, beyond this machine`]],
        );
    });

    it("reports a port with no address (Docker binds every interface) and the host's network", async () => {
        const [noAddress] = await analyzeResource(loopbackBindOnly, bound());
        assert.match(noAddress.message, /on 0\.0\.0\.0, beyond this machine/);
        const [hostNetwork] = await analyzeResource(loopbackBindOnly, withProps(container, { networkMode: "host" }));
        assert.match(hostNetwork.message, /publishes the host's network/);
    });

    it("passes an address the policy config allows, and only that one", async () => {
        const config = { allowedBindAddresses: ["192.0.2.10"] };
        assert.deepEqual(await analyzeResource(loopbackBindOnly, bound("192.0.2.10"), config), []);
        assert.equal((await analyzeResource(loopbackBindOnly, bound("0.0.0.0"), config)).length, 1);
    });
});

/** The real program on an existing server with this sslmode (server mode: no container). */
async function serverStack(sslmode: string, host = "db.internal"): Promise<PolicyInput[]> {
    return stackOf(await runStack({ server: { host, sslmode } }));
}

describe("policy server-connections-use-tls", () => {
    it("passes server mode with sslmode verify-full or require", async () => {
        for (const sslmode of ["verify-full", "require"]) {
            const stack = await serverStack(sslmode);
            assert.equal(stack.filter((r) => r.type === TYPE.container).length, 0);
            assert.deepEqual(await analyzeStack(serverConnectionsUseTls, stack), [], sslmode);
        }
    });

    for (const sslmode of ["disable", "allow", "prefer"]) {
        it(`reports the provider, the guard's URL and every output URL with sslmode=${sslmode}`, async () => {
            const violations = await analyzeStack(serverConnectionsUseTls, await serverStack(sslmode));
            const where = violations.map((v) => v.message.replace(/: .*/, ""));
            assert.ok(violations.every((v) => v.policy === "server-connections-use-tls" && v.level === "mandatory"));
            assert.ok(violations.every((v) => v.message.endsWith(`uses sslmode=${sslmode} to db.internal`)));
            assert.deepEqual([...new Set(where)].sort(), ["hive-database-guard-hive", "hive-database-provider", "hive-db-dev"]);
            assert.ok(violations.some((v) => /a URL in envFiles\.agent/.test(v.message)));
        });
    }

    it("reports a URL without sslmode (libpq's prefer), inside a secret too", async () => {
        const stack = await serverStack("verify-full");
        const guard = stack.find((r) => r.name === "hive-database-guard-hive");
        assert.ok(guard);
        const bare = withProps(guard, { url: secretWire("postgresql://hive_admin:pw@db.internal:5432/hive") });
        const violations = await analyzeStack(serverConnectionsUseTls, [...stack.filter((r) => r !== guard), bare]);
        assert.deepEqual(
            violations.map((v) => v.message),
            ["hive-database-guard-hive: a URL in url uses sslmode=prefer to db.internal"],
        );
    });

    it("exempts the hosts the policy config lists, and is not applicable to the stack's own container", async () => {
        const local = await serverStack("disable", "127.0.0.1");
        assert.ok((await analyzeStack(serverConnectionsUseTls, local)).length > 0);
        assert.deepEqual(await analyzeStack(serverConnectionsUseTls, local, { plaintextHosts: ["127.0.0.1"] }), []);
        // The container's provider uses sslmode=disable over loopback, by design.
        assert.deepEqual(await analyzeStack(serverConnectionsUseTls, await stackOf(await runStack())), []);
    });
});
