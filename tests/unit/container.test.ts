/**
 * The container's healthcheck and first-start environment, as the engine receives them.
 */
import { strict as assert } from "assert";
import { runStack, type StackRun } from "./harness";
import { reveal } from "../fixtures/pulumi-values";
import { TYPE } from "../../src/stack/resources";

/** Docker duration text (`5s`, `1m30s`, `500ms`) in seconds. */
function seconds(duration: string): number {
    const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
    const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
    assert.ok(parts.length > 0, `not a duration: ${duration}`);
    return parts.reduce((total, [, value, unit]) => total + Number(value) * units[unit], 0);
}

describe("the container's healthcheck", () => {
    let run: StackRun;
    before(async () => (run = await runStack()));

    it("probes often enough that `pulumi up` moves on within seconds of the server being ready", () => {
        const { interval, timeout } = run.get(TYPE.container, "hive-postgres-container").inputs.healthcheck;
        assert.ok(seconds(interval) <= 2, `interval ${interval}`);
        assert.ok(seconds(timeout) >= 1 && seconds(timeout) <= 5, `timeout ${timeout}: room for a loaded machine, no hang`);
    });

    it("tolerates a slow probe but reports a dead server within two minutes of its start period", () => {
        const { interval, retries, startPeriod } = run.get(TYPE.container, "hive-postgres-container").inputs.healthcheck;
        assert.ok(retries >= 3, `retries ${retries}`);
        assert.ok(seconds(interval) * retries <= 120, `${retries} × ${interval}`);
        assert.ok(seconds(startPeriod) <= 120, `start period ${startPeriod}`);
    });
});

describe("the container's first-start environment", () => {
    it("lets the image create only the maintenance database: the stack creates its own", async () => {
        const run = await runStack();
        const envs: string[] = reveal(run.get(TYPE.container, "hive-postgres-container").inputs.envs);
        const databases = envs.filter((env) => env.startsWith("POSTGRES_DB="));
        assert.deepEqual(databases, ["POSTGRES_DB=postgres"]);
    });
});
