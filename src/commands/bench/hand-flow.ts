/**
 * The seeds' hand flow, the benchmark's baseline: one `docker run` of the same image with the same
 * flags and healthcheck, wait healthy, `psql` with the stack's own rendered DDL, every mode connects.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";

import { Client } from "pg";

import type { Layout } from "../../stack/model/layout";
import { stackOutputs } from "../../stack/model/outputs";
import { stackSteps, type Step } from "../../stack/model/plan-sql";
import { parseLibpqUrl } from "../verify/targets";
import { seconds } from "./measure";
import { startServerContainer } from "./server-container";

function psql(step: Step, port: number, user: string, password: string): Promise<void> {
    return new Promise((resolve, reject) => {
        const child = spawn(
            "psql",
            ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", step.database],
            {
                env: { ...process.env, PGPASSWORD: password },
                stdio: ["pipe", "ignore", "pipe"],
            },
        );
        let stderr = "";
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`psql failed: ${stderr.trim()}`))));
        child.stdin.end(step.sql);
    });
}

/** Seconds from `docker run` to every mode connected through its own URL. */
export async function handFlowSeconds(image: string, serverFlags: Record<string, string>, layout: Layout): Promise<number> {
    const passwords = Object.fromEntries(layout.modes.map((mode) => [mode.name, randomBytes(18).toString("base64url")]));
    let remove = async () => undefined as void;
    try {
        return await seconds(async () => {
            const server = await startServerContainer(image, serverFlags);
            remove = server.remove;
            for (const step of stackSteps(layout, passwords)) await psql(step, server.port, server.user, server.password);
            const outputs = stackOutputs(layout, { host: "127.0.0.1", port: server.port }, { passwords, apiKeys: passwords });
            await Promise.all(Object.values(outputs.libpqUrls).map((url) => connectOnce(url)));
        });
    } finally {
        await remove();
    }
}

/** Logs in through a libpq URL and runs one query. */
export async function connectOnce(url: string): Promise<void> {
    const client = new Client(parseLibpqUrl(url));
    await client.connect();
    try {
        await client.query("SELECT 1");
    } finally {
        await client.end();
    }
}
