/**
 * A real server of the local image for verify's integration tests: each suite starts one, applies
 * the stack's own database layer (tests/fixtures/stack-plan.ts) plus a deliberate breakage, and runs
 * verify against outputs built by the stack's own builder.
 */
import { strict as assert } from "node:assert";

import type { ClientConfig } from "pg";
import { parse } from "pg-connection-string";

import { type Layout, readSearchPaths } from "../../src/stack/model/layout";
import type { StackOutputs } from "../../src/stack/model/outputs";
import { validateStackOutputs } from "../../src/commands/common/stack-outputs";
import { CHECK_TITLES, type CheckResult, verifyStack } from "../../src/commands/verify/verify-stack";
import { DEFAULT_CONFIG, layoutOf, SHARED_KNOWLEDGE_CONFIG } from "../fixtures/configs";
import { outputsFor, resetSteps, type Step, stackSteps } from "../fixtures/stack-plan";
import {
    randomPassword,
    removeContainer,
    removeVolume,
    requireDockerOrSkip,
    startPostgres,
    tcpConfig,
    uniqueName,
    waitHealthy,
    withClient,
} from "./helpers";

export const HOST = "127.0.0.1";
export const DEFAULT_LAYOUT = layoutOf(DEFAULT_CONFIG);
export const SHARED_KNOWLEDGE_LAYOUT = layoutOf(SHARED_KNOWLEDGE_CONFIG);

export const rowKey = (result: CheckResult) => `${result.id} ${result.subject}`;
export const keysWith = (results: CheckResult[], status: CheckResult["status"]) =>
    results
        .filter((result) => result.status === status)
        .map(rowKey)
        .sort();

/** Every row verify must report for a layout: a pass that skipped a check would show up here. */
export function expectedRows(layout: Layout, port: number): string[] {
    const perMode = (Object.keys(CHECK_TITLES) as Array<keyof typeof CHECK_TITLES>).filter(
        (id) => !["server", "isolation", "read-url", "public-privileges"].includes(id),
    );
    const names = layout.modes.map((mode) => mode.name);
    const reads = readSearchPaths(layout.modes, layout.extensionsSchema);
    return [
        `server ${HOST}:${port}`,
        ...names.flatMap((name) => perMode.map((id) => `${id} ${name}`)),
        ...names.flatMap((other) => names.filter((owner) => owner !== other).map((owner) => `isolation ${other} → ${owner}`)),
        ...names.flatMap((reader) => Object.keys(reads[reader]).map((database) => `read-url ${reader} → ${database}`)),
        ...layout.databases.map((database) => `public-privileges ${database}`),
    ].sort();
}

export function assertNoSecret(text: string, secrets: readonly string[]): void {
    for (const secret of secrets) {
        for (const form of [secret, encodeURIComponent(secret)]) {
            assert.ok(!text.includes(form), "verify printed a password");
        }
    }
}

export interface VerifyServer {
    port: number;
    /** Mode passwords: characters URLs must encode, so builders, libpq and redaction all get exercised. */
    passwords: Record<string, string>;
    /** Every password verify must never print. */
    secrets: string[];
    /** The admin's connection to `database`. */
    admin(database: string): ClientConfig;
    runSteps(steps: Step[]): Promise<void>;
    /** Resets the server, then applies the stack's database layer for `layout`, then `breakage`. */
    apply(layout: Layout, breakage?: Step[]): Promise<void>;
    /** The outputs the stack would export for `layout` on this server. */
    outputs(layout: Layout, passwords?: Record<string, string>, port?: number): StackOutputs;
    /** verify on `outputs`, asserting it printed no secret. */
    verify(outputs: StackOutputs, extraSecrets?: string[]): Promise<CheckResult[]>;
}

/** Registers before/after hooks in the calling suite that start and remove a server. */
export function useVerifyServer(layouts: readonly Layout[] = [DEFAULT_LAYOUT, SHARED_KNOWLEDGE_LAYOUT]): VerifyServer {
    const name = uniqueName("verify");
    const volume = uniqueName("verify-data");
    const admin = { user: "hive_admin", password: randomPassword() };
    const modeNames = [...new Set(layouts.flatMap((layout) => layout.modes.map((mode) => mode.name)))];
    const passwords = Object.fromEntries(modeNames.map((mode) => [mode, randomPassword({ special: true })]));
    const server: VerifyServer = {
        port: 0,
        passwords,
        secrets: [admin.password, ...Object.values(passwords)],
        admin: (database) => tcpConfig(server.port, admin.user, admin.password, database),
        async runSteps(steps) {
            for (const step of steps) {
                await withClient(server.admin(step.database), (client) => client.query(step.sql));
            }
        },
        async apply(layout, breakage = []) {
            await server.runSteps([...resetSteps([...layouts, layout]), ...stackSteps(layout, passwords), ...breakage]);
        },
        outputs: (layout, overrides = {}, port = server.port) => outputsFor(layout, { host: HOST, port }, { ...passwords, ...overrides }),
        async verify(outputs, extraSecrets = []) {
            const results = await verifyStack(validateStackOutputs(outputs));
            const urlPasswords = Object.values(outputs.libpqUrls).map((url) => parse(url).password ?? "");
            assertNoSecret(JSON.stringify(results), [
                ...server.secrets,
                ...extraSecrets,
                ...urlPasswords,
                ...Object.values(outputs.apiKeys),
            ]);
            return results;
        },
    };
    before(async function () {
        await requireDockerOrSkip(this);
        server.port = await startPostgres({ name, volume, env: { POSTGRES_USER: admin.user, POSTGRES_PASSWORD: admin.password } });
        await waitHealthy(name);
    });
    after(async () => {
        await removeContainer(name);
        await removeVolume(volume);
    });
    return server;
}

/** A deliberate breakage: SQL on top of the stack's layer, and/or an edit of the outputs. */
export interface Breakage {
    title: string;
    sql?: Step[];
    outputs?: (good: StackOutputs, server: VerifyServer) => StackOutputs;
    /** The rows that must fail, and no other. */
    fails: string[];
}

/** One `it` per breakage: the stack's layer for `layout` plus the breakage fails exactly its rows. */
export function itFailsExactly(server: VerifyServer, layout: Layout, breakages: readonly Breakage[]): void {
    for (const broken of breakages) {
        it(`fails exactly on ${broken.fails.join(", ")} when ${broken.title}`, async () => {
            await server.apply(layout, broken.sql);
            const good = server.outputs(layout);
            const results = await server.verify(broken.outputs?.(good, server) ?? good);
            assert.deepEqual(keysWith(results, "fail"), [...broken.fails].sort());
        });
    }
}
