/**
 * The lock a `file://` backend keeps while an update runs (`.pulumi/locks/<org>/<project>/<stack>/
 * <id>.json`, holding the CLI's pid, user, host and start). An interrupted run (a killed CLI, a closed
 * laptop) leaves it behind and every later command fails on it. A lock whose process is gone (same
 * host, pid not running) is cleared, saying so; a live one is waited for, then refused with its pid;
 * one from another host is refused with who holds it.
 */
import { existsSync, readdirSync, readFileSync, unlinkSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

import { CommandError } from "../../shared/cli";
import { PROJECT } from "./stack-file";

export interface LockInfo {
    file: string;
    pid: number;
    username: string;
    hostname: string;
    timestamp: string;
}

export class StackLocked extends CommandError {}

/** The lock files of a stack in a file:// backend (the project-scoped layout and the older one). */
export function stackLocks(backendUrl: string, stack: string): LockInfo[] {
    const root = backendUrl.slice("file://".length);
    const dirs = [join(root, ".pulumi", "locks", "organization", PROJECT, stack), join(root, ".pulumi", "locks", stack)];
    return dirs.flatMap((dir) =>
        existsSync(dir)
            ? readdirSync(dir)
                  .filter((name) => name.endsWith(".json"))
                  .map((name) => ({
                      file: join(dir, name),
                      ...(JSON.parse(readFileSync(join(dir, name), "utf8")) as Omit<LockInfo, "file">),
                  }))
            : [],
    );
}

export function processAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}

const describe = (lock: LockInfo) => `${lock.username}@${lock.hostname} (pid ${lock.pid}, since ${lock.timestamp})`;

/**
 * Clears the stale locks of a stack, waits up to `patienceMs` for live ones on this host, and refuses
 * what is left, telling the user each step.
 */
export async function clearStaleLocks(backendUrl: string, stack: string, log: (line: string) => void, patienceMs = 120_000): Promise<void> {
    if (!backendUrl.startsWith("file://")) return;
    const deadline = Date.now() + patienceMs;
    let waitedFor: number | undefined;
    for (;;) {
        const locks = stackLocks(backendUrl, stack);
        for (const lock of locks.filter((lock) => lock.hostname === hostname() && !processAlive(lock.pid))) {
            unlinkSync(lock.file);
            log(`cleared a stale lock of ${describe(lock)}: that process is gone (an interrupted run)`);
        }
        const foreign = locks.find((lock) => lock.hostname !== hostname());
        if (foreign !== undefined) {
            throw new StackLocked(
                `stack ${stack} is locked by ${describe(foreign)}, another machine: if that run is over, \`pulumi cancel --stack ${stack}\` clears it`,
            );
        }
        const live = locks.find((lock) => lock.hostname === hostname() && processAlive(lock.pid));
        if (live === undefined) return;
        if (Date.now() > deadline) {
            throw new StackLocked(`stack ${stack} is still locked by a running pulumi, ${describe(live)}: wait for it, or stop it`);
        }
        if (waitedFor !== live.pid) log(`waiting for the running pulumi that holds the lock: ${describe(live)}`);
        waitedFor = live.pid;
        await new Promise((resolve) => setTimeout(resolve, 1000));
    }
}
