/**
 * The Hive apps start unchanged on the stack: a real server with the stack's own database layer,
 * one `.env` per mode written by `npm run env`, then per mode the real Python clients
 * (tests/python/app_startup.py): python-dotenv loads the file, SQLAlchemy connects with
 * HIVE_DATABASE_URL, the startup CREATE SCHEMA IF NOT EXISTS statements, the Alembic migration of
 * seed 002's hive tables, an Agno-style vector table with an HNSW index, and the refusals between
 * modes; for seed 004, the reader's HIVE_READ_DATABASE_URL_<DATABASE>.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Layout } from "../../src/stack/model/layout";
import type { StackOutputs } from "../../src/stack/model/outputs";
import { runCommandLine } from "../fixtures/run-script";
import { randomPassword } from "./helpers";
import { requirePythonOrSkip, runAppStartup, type StartupRun } from "./python-client";
import { assertNoSecret, DEFAULT_LAYOUT, SHARED_KNOWLEDGE_LAYOUT, useVerifyServer, type VerifyServer } from "./verify-server";

/** Per mode, in order: what its app does at startup, and the steps that must all pass. */
type AppPlan = Array<{ mode: string; args: string[]; steps: string[] }>;

const SESSION = ["sqlalchemy", "psycopg-pool", "startup-schemas"];

// prettier-ignore
const DEFAULT_APPS: AppPlan = [
    { mode: "workspace", args: ["--schemas", "public,agno,hive", "--migrate", "--vectors", "agno"], steps: [...SESSION, "alembic", "vectors"] },
    {
        mode: "agent",
        args: ["--schemas", "agent", "--vectors", "agent", "--refused", "hive.component_versions", "--refused", "agno.knowledge_vectors", "--refused-migration"],
        steps: [...SESSION, "vectors", "refused hive.component_versions", "refused agno.knowledge_vectors", "refused migration"],
    },
    {
        mode: "genie",
        args: ["--schemas", "genie", "--refused", "hive.agent_metrics", "--refused", "agent.knowledge_vectors", "--refused-migration"],
        steps: [...SESSION, "refused hive.agent_metrics", "refused agent.knowledge_vectors", "refused migration"],
    },
];

// prettier-ignore
const KNOWLEDGE_APPS: AppPlan = [
    { mode: "shared", args: ["--schemas", "knowledge", "--vectors", "knowledge"], steps: [...SESSION, "vectors"] },
    { mode: "workspace", args: ["--schemas", "public,agno,hive", "--read", "knowledge:knowledge.knowledge_vectors"], steps: [...SESSION, "read knowledge"] },
    { mode: "agent", args: ["--schemas", "agent", "--refused-database", "knowledge"], steps: [...SESSION, "refused database knowledge"] },
];

/** Writes the `.env` files with `npm run env`, as a user would; returns what it printed. */
async function writeEnvFiles(server: VerifyServer, outputs: StackOutputs, dir: string): Promise<string> {
    const { code, stdout, stderr } = await runCommandLine("env", ["--out", dir], JSON.stringify(outputs));
    assert.equal(code, 0, stderr);
    assertNoSecret(stdout + stderr, [...server.secrets, ...Object.values(outputs.apiKeys)]);
    return stdout;
}

async function startApp(server: VerifyServer, dir: string, mode: string, args: string[]): Promise<StartupRun> {
    const run = await runAppStartup(["--env", join(dir, `${mode}.env`), ...args]);
    assertNoSecret(run.printed, server.secrets);
    return run;
}

function assertStarted(run: StartupRun | undefined, expected: string[]): void {
    assert.ok(run, "the app did not run");
    const failed = run.steps.filter((step) => !step.ok).map((step) => `${step.step}: ${step.detail}`);
    assert.deepEqual(failed, [], run.printed);
    assert.deepEqual(
        run.steps.map((step) => step.step),
        expected,
    );
    assert.equal(run.code, 0);
}

/** Registers hooks: apply `layout`, write the `.env` files, start every app in order. */
function useStartedApps(server: VerifyServer, layout: Layout, plan: AppPlan): { dir: string; runs: Map<string, StartupRun> } {
    const state = { dir: "", runs: new Map<string, StartupRun>() };
    before(async () => {
        state.dir = mkdtempSync(join(tmpdir(), "hive-apps-"));
        await server.apply(layout);
        await writeEnvFiles(server, server.outputs(layout), state.dir);
        for (const app of plan) state.runs.set(app.mode, await startApp(server, state.dir, app.mode, app.args));
    });
    after(() => rmSync(state.dir, { recursive: true, force: true }));
    return state;
}

describe("the Hive apps on the stack, with the real Python clients", function () {
    this.timeout(600_000);
    // Registered first: without the Python clients no container is started at all.
    before(async function () {
        await requirePythonOrSkip(this);
    });
    const server = useVerifyServer();

    describe("default layout (seeds 000-003)", () => {
        const apps = useStartedApps(server, DEFAULT_LAYOUT, DEFAULT_APPS);
        for (const app of DEFAULT_APPS) {
            it(`${app.mode}: ${app.steps.join(", ")}`, () => assertStarted(apps.runs.get(app.mode), app.steps));
        }

        it("after a password rotation: only that .env is updated, and the app starts with it", async () => {
            const rotated = randomPassword({ special: true });
            server.secrets.push(rotated);
            await server.runSteps([{ database: "postgres", sql: `ALTER ROLE hive_agent PASSWORD '${rotated.replace(/'/g, "''")}'` }]);
            const report = await writeEnvFiles(server, server.outputs(DEFAULT_LAYOUT, { agent: rotated }), apps.dir);
            assert.deepEqual(
                [...report.matchAll(/^(\w+) +\S*\/(\w+)\.env$/gm)].map(([, status, mode]) => `${mode} ${status}`),
                ["workspace unchanged", "agent updated", "genie unchanged"],
            );
            assertStarted(await startApp(server, apps.dir, "agent", ["--schemas", "agent"]), SESSION);
        });

        it("with the old grants (no CREATE on the database) the workspace's startup fails as reported", async () => {
            await server.runSteps([{ database: "postgres", sql: "REVOKE CREATE ON DATABASE hive FROM hive_workspace" }]);
            const run = await startApp(server, apps.dir, "workspace", ["--schemas", "public,agno,hive", "--migrate"]);
            assert.equal(run.code, 1);
            const failed = run.steps.filter((step) => !step.ok);
            assert.deepEqual(
                failed.map((step) => step.step),
                ["startup-schemas", "alembic"],
            );
            for (const step of failed) assert.match(step.detail, /permission denied for database hive/);
        });
    });

    describe("a shared knowledge database with a reader (seed 004)", () => {
        const apps = useStartedApps(server, SHARED_KNOWLEDGE_LAYOUT, KNOWLEDGE_APPS);
        for (const app of KNOWLEDGE_APPS) {
            it(`${app.mode}: ${app.steps.join(", ")}`, () => assertStarted(apps.runs.get(app.mode), app.steps));
        }
    });
});
