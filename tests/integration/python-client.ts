/**
 * The Python test environment (.venv, tests/python/requirements.txt) and tests/python/app_startup.py,
 * the Hive apps' database startup with the real clients (SQLAlchemy 2, psycopg 3, Alembic,
 * python-dotenv).
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

import { VENV_PYTHON } from "../fixtures/python";
import { REPOSITORY } from "../fixtures/run-script";

export { requirePythonOrSkip } from "../fixtures/python";

const run = promisify(execFile);

const APP_STARTUP = join(REPOSITORY, "tests", "python", "app_startup.py");

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
