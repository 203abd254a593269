/**
 * What an interrupted run leaves, read without the engine: the locks of a file:// backend (a dead
 * owner's cleared, a live one's waited for and then refused with its pid, another host's refused),
 * and the state's pending operations and containers without a stop grace period.
 */
import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";

import { needsRepair } from "../../src/commands/common/interrupted-run";
import { clearStaleLocks, stackLocks, StackLocked } from "../../src/commands/common/stack-lock";
import { CONTAINER_STOP_GRACE_SECONDS } from "../../src/stack/model/server-process";
import { TYPE } from "../../src/stack/resources";

/** A pid no process has (the kernel's pid_max is below 2^22). */
const GONE_PID = 4_194_304 + 7;

describe("the locks an interrupted run leaves", () => {
    let root: string;
    let dir: string;
    const lock = (name: string, pid: number, host = hostname()) =>
        writeFileSync(
            join(dir, `${name}.json`),
            JSON.stringify({ pid, username: "dev", hostname: host, timestamp: "2026-11-27T10:00:00Z" }),
        );
    beforeEach(() => {
        root = mkdtempSync(join(tmpdir(), "hive-locks-"));
        dir = join(root, ".pulumi", "locks", "organization", "hive-db", "dev");
        mkdirSync(dir, { recursive: true });
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it("clears a lock whose process is gone, and says whose it was", async () => {
        lock("a", GONE_PID);
        const lines: string[] = [];
        await clearStaleLocks(`file://${root}`, "dev", (line) => lines.push(line), 0);
        assert.deepEqual(readdirSync(dir), []);
        assert.match(lines.join("\n"), new RegExp(`cleared a stale lock of dev@${hostname()} \\(pid ${GONE_PID},.*that process is gone`));
    });

    it("waits for a live owner, then refuses with its pid, and keeps its lock", async () => {
        lock("b", process.pid);
        const lines: string[] = [];
        await assert.rejects(
            clearStaleLocks(`file://${root}`, "dev", (line) => lines.push(line), 1500),
            (error: Error) => {
                assert.ok(error instanceof StackLocked);
                assert.match(error.message, new RegExp(`still locked by a running pulumi, dev@.*pid ${process.pid}`));
                return true;
            },
        );
        assert.match(lines.join("\n"), /waiting for the running pulumi that holds the lock/);
        assert.equal(stackLocks(`file://${root}`, "dev").length, 1);
    });

    it("refuses another machine's lock, naming it and `pulumi cancel`", async () => {
        lock("c", GONE_PID, "elsewhere.example");
        await assert.rejects(
            clearStaleLocks(`file://${root}`, "dev", () => undefined, 0),
            /dev@elsewhere\.example .*pulumi cancel --stack dev/,
        );
        assert.equal(readdirSync(dir).length, 1);
    });

    it("leaves other backends to the CLI", async () => {
        await clearStaleLocks("s3://bucket", "dev", () => assert.fail("nothing to say"), 0);
    });
});

describe("the state an interrupted run leaves", () => {
    const container = (grace?: number) => ({
        urn: "urn:pulumi:dev::hive-db::c",
        type: TYPE.container,
        outputs: grace === undefined ? {} : { destroyGraceSeconds: grace },
    });
    const deployment = (body: Record<string, unknown>) => ({ version: 3, deployment: body });

    it("needs repair for pending operations and for a container without a grace period, not otherwise", () => {
        assert.equal(needsRepair(deployment({ resources: [container(CONTAINER_STOP_GRACE_SECONDS)] })), false);
        assert.equal(needsRepair(deployment({ resources: [] })), false);
        assert.equal(needsRepair(deployment({ resources: [container()] })), true);
        assert.equal(needsRepair(deployment({ resources: [container(0)] })), true);
        const pending = [{ type: "creating", resource: container() }];
        assert.equal(needsRepair(deployment({ resources: [container(30)], pending_operations: pending })), true);
    });
});
