/**
 * What the backup and upgrade engine tests share: `npm run db -- …` run as a user runs it against
 * an engine stack, a 100k-row mode written through the mode's own URL, and the stack seen as a
 * data target for the checks of tests/integration/backup-checks.ts.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";

import type { ClientConfig } from "pg";

import { parseLibpqUrl } from "../../src/commands/verify/targets";
import type { StackOutputs } from "../../src/stack/model/outputs";
import type { DataTarget } from "../integration/backup-checks";
import { tcpConfig, withClient } from "../integration/helpers";
import { runCommandLine, type ScriptRun } from "../fixtures/run-script";
import type { EngineStack } from "./engine";

export const ADMIN_PASSWORD = "engine-backup-admin-@/:";

/** `npm run db -- <args> --stack <the engine stack>`, in the stack's workspace and environment. */
export function db(engine: EngineStack, args: string[]): Promise<ScriptRun> {
    return runCommandLine("db", [...args, "--stack", engine.stack.name], "", {
        ...process.env,
        ...engine.env,
        HIVE_DB_WORK_DIR: join(engine.dir, "work"),
    });
}

/** `npm run db -- restore <args>`, which must succeed. */
export async function restoreInto(engine: EngineStack, args: string[]): Promise<ScriptRun> {
    const run = await db(engine, ["restore", ...args]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    return run;
}

/** The engine stack as the data checks see it (created with ADMIN_PASSWORD). */
export async function dataTarget(engine: EngineStack): Promise<DataTarget & { as(mode: string): ClientConfig }> {
    const outputs = (await engine.outputs()) as StackOutputs;
    return {
        outputs,
        admin: (database = "hive") => tcpConfig(engine.hostPort, "hive_admin", ADMIN_PASSWORD, database),
        as: (mode) => parseLibpqUrl(outputs.libpqUrls[mode]),
    };
}

/** A mode's app table with `rows` rows, 8-dimension vectors and an HNSW index, written as the mode's role. */
export async function writeLargeMode(target: { as(mode: string): ClientConfig }, mode: string, rows: number): Promise<void> {
    await withClient(target.as(mode), async (client) => {
        await client.query(`CREATE TABLE items (id bigserial PRIMARY KEY, title text NOT NULL, body text, embedding vector(8),
                                                created_at timestamptz NOT NULL DEFAULT '2026-01-01T00:00:00Z')`);
        await client.query(
            `INSERT INTO items (title, body, embedding, created_at)
             SELECT 'item ' || i, repeat('body ' || i || ' ', 4), ARRAY(SELECT ((i * 7 + k * 13) % 101) / 101.0 FROM generate_series(1, 8) k)::vector,
                    timestamptz '2026-01-01T00:00:00Z' + i * interval '1 minute'
             FROM generate_series(1, $1) i`,
            [rows],
        );
        await client.query("CREATE INDEX items_embedding ON items USING hnsw (embedding vector_cosine_ops)");
        await client.query("CREATE INDEX items_title ON items (title)");
    });
}

/** Timings the suites print at the end, and docs/performance.md records. */
export const timings: string[] = [];

export function secondsOf(run: ScriptRun, label: RegExp): string {
    return label.exec(run.stdout)?.[1] ?? "?";
}
