/**
 * One container of the local image for image.test.ts, its volume kept across a second container.
 */
import type { ClientConfig } from "pg";

import { configOf } from "../fixtures/configs";
import { serverCommand } from "../../src/stack/model/server-process";
import {
    containerState,
    randomPassword,
    removeContainer,
    removeVolume,
    requireDockerOrSkip,
    startPostgres,
    tcpConfig,
    uniqueName,
} from "./helpers";

/** The stack's default config: the container runs with its server flags. */
const STACK_DEFAULTS = configOf({});

export async function waitExited(name: string, timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const state = await containerState(name);
        if (state.status === "exited") return state.exitCode;
        if (Date.now() > deadline) throw new Error(`${name} still ${state.status} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
}

export interface ImageContext {
    name: string;
    volume: string;
    admin: { user: string; password: string; database: string };
    env: Record<string, string>;
    /** Undone in `after`, last first. */
    cleanup: Array<() => Promise<void> | void>;
    /** The admin's connection to the container published now. */
    asAdmin(password?: string, database?: string): ClientConfig;
    port: number;
}

/** One container of the image for the whole file, its volume kept across a second container. */
export function useImageContainer(): ImageContext {
    const admin = { user: "hive_admin", password: randomPassword(), database: "hive_image_test" };
    const ctx: ImageContext = {
        name: uniqueName("image"),
        volume: uniqueName("image-data"),
        admin,
        env: { POSTGRES_USER: admin.user, POSTGRES_PASSWORD: admin.password, POSTGRES_DB: admin.database },
        cleanup: [],
        asAdmin: (password = admin.password, database = admin.database) => tcpConfig(ctx.port, admin.user, password, database),
        port: 0,
    };
    before(async function () {
        await requireDockerOrSkip(this);
        // Flags in the `docker run IMAGE -c ...` form: the entrypoint must prepend `postgres`.
        const args = serverCommand(STACK_DEFAULTS.container.serverFlags).slice(1);
        ctx.port = await startPostgres({ name: ctx.name, volume: ctx.volume, env: ctx.env, args });
    });
    after(async () => {
        for (const step of ctx.cleanup.reverse()) await step();
        await removeContainer(ctx.name);
        await removeVolume(ctx.volume);
    });
    return ctx;
}
