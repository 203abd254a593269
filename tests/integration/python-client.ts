/**
 * The Python test environment (.venv, tests/python/requirements.txt) and tests/python/app_startup.py,
 * the Hive apps' database startup with the real clients (SQLAlchemy 2, psycopg 3, Alembic,
 * python-dotenv).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

import { REPOSITORY } from "../fixtures/run-script";

const run = promisify(execFile);

export const VENV_PYTHON = join(REPOSITORY, ".venv", "bin", "python");
const APP_STARTUP = join(REPOSITORY, "tests", "python", "app_startup.py");
const SETUP = "python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt";

/** Why the Python clients cannot run here, or undefined when they can. */
async function pythonUnavailableReason(): Promise<string | undefined> {
    if (!existsSync(VENV_PYTHON)) return `.venv/bin/python is missing (create it: ${SETUP})`;
    try {
        await run(VENV_PYTHON, ["-c", "import alembic, dotenv, psycopg, psycopg_pool, sqlalchemy"], { timeout: 60_000 });
    } catch {
        return `.venv lacks the pinned clients (install them: ${SETUP})`;
    }
    return undefined;
}

/** For a suite's `before`: skips without the venv, unless HIVE_DB_REQUIRE_PYTHON=1 (CI), where it fails. */
export async function requirePythonOrSkip(context: Mocha.Context): Promise<void> {
    const reason = await pythonUnavailableReason();
    if (reason === undefined) return;
    if (process.env.HIVE_DB_REQUIRE_PYTHON === "1") {
        throw new Error(`HIVE_DB_REQUIRE_PYTHON=1 but ${reason}`);
    }
    console.log(`      skipping ${context.test?.parent?.title ?? "suite"}: ${reason}`);
    context.skip();
}

export interface StartupStep {
    step: string;
    ok: boolean;
    detail: string;
}

export interface StartupRun {
    code: number;
    steps: StartupStep[];
    /** Everything it printed, for the no-secret assertion. */
    printed: string;
}

/**
 * Runs app_startup.py with `args`. Its environment has nothing of ours (no HIVE_*, no PG*): all it
 * knows comes from the `.env` file it is given, as for an app.
 */
export async function runAppStartup(args: string[]): Promise<StartupRun> {
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", PYTHONDONTWRITEBYTECODE: "1" };
    const outcome = await run(VENV_PYTHON, [APP_STARTUP, ...args], { env, timeout: 300_000 }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code?: number; stdout?: string; stderr?: string }) => ({
            code: typeof error.code === "number" ? error.code : -1,
            stdout: error.stdout ?? "",
            stderr: error.stderr ?? "",
        }),
    );
    let steps: StartupStep[] = [];
    try {
        steps = (JSON.parse(outcome.stdout) as { steps: StartupStep[] }).steps;
    } catch {
        // No report: `steps` stays empty and the caller's assertions show `printed`.
    }
    return { code: outcome.code, steps, printed: outcome.stdout + outcome.stderr };
}
