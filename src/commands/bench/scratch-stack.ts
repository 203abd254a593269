/**
 * A throwaway stack of this project on the real Pulumi engine, for the engine tests and the
 * benchmark: a temporary file:// backend driven with the Automation API. Each stack gets its own
 * container, volume, network and host port, so it never touches a developer's own dev stack;
 * `dispose` removes all of it, kept data included.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { LocalWorkspace, type OutputMap, type Stack } from "@pulumi/pulumi/automation";
import * as yaml from "js-yaml";

import { REPOSITORY } from "../../shared/repository";
import type { StackOutputs } from "../../stack/model/outputs";

const run = promisify(execFile);

export const REQUIRED_BINARIES = [
    "pulumi",
    "pulumi-language-nodejs",
    // Dynamic providers (the extension guard); ships with the Pulumi CLI.
    "pulumi-resource-pulumi-nodejs",
    "pulumi-resource-docker",
    "pulumi-resource-postgresql",
    "pulumi-resource-random",
];
/** The locally built image (image/build-image.sh); HIVE_IMAGE_TAG selects another one. */
export const ENGINE_IMAGE = process.env.HIVE_IMAGE_TAG ?? "hive-db/pgvector:17";

async function onPath(binary: string): Promise<boolean> {
    return run("sh", ["-c", `command -v ${binary}`]).then(
        () => true,
        () => false,
    );
}

/** Why engine tests cannot run here, or undefined when they can. */
export async function engineUnavailableReason(): Promise<string | undefined> {
    const missing: string[] = [];
    for (const binary of REQUIRED_BINARIES) {
        if (!(await onPath(binary))) missing.push(binary);
    }
    if (missing.length > 0) return `not on PATH: ${missing.join(", ")} (the Pulumi CLI and its plugins; docs/testing.md)`;
    if (
        !(await run("docker", ["info"], { timeout: 20_000 }).then(
            () => true,
            () => false,
        ))
    ) {
        return "no Docker engine answers 'docker info' (bash scripts/docker-bootstrap.sh)";
    }
    if (
        !(await run("docker", ["image", "inspect", ENGINE_IMAGE]).then(
            () => true,
            () => false,
        ))
    ) {
        return `image ${ENGINE_IMAGE} is missing (bash image/build-image.sh)`;
    }
    return undefined;
}

/** A repository's project file (this one by default), with the program pointed back at that repository. */
export function projectSettings(repository = REPOSITORY) {
    const project = yaml.load(readFileSync(join(repository, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
    return { ...project, main: repository } as never;
}

export interface EngineStackOptions {
    /** `hive-db:*` config (structured values as objects). */
    config?: Record<string, unknown>;
    /** Another checkout of the project to run (an earlier version): its own Pulumi.yaml and program. */
    repository?: string;
    /** An existing server: no container config is set. */
    server?: boolean;
}

/** A stack of this project on the real engine, with Docker names of its own. */
export class EngineStack {
    readonly dir = mkdtempSync(join(tmpdir(), "hive-engine-"));
    readonly containerName: string;
    readonly volumeName: string;
    readonly networkName: string;
    stack!: Stack;

    /** `sameDockerAs`: a second stack (a new backend) over the first one's container, volume and network. */
    constructor(sameDockerAs?: EngineStack) {
        const suffix = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
        this.containerName = sameDockerAs?.containerName ?? `hive-engine-${suffix}`;
        this.volumeName = sameDockerAs?.volumeName ?? `hive-engine-${suffix}-data`;
        this.networkName = sameDockerAs?.networkName ?? `hive-engine-${suffix}-net`;
        this.hostPort = sameDockerAs?.hostPort ?? 20_000 + Math.floor(Math.random() * 20_000);
    }

    /** Environment of every engine process: local backend, passphrase, plugins from PATH only. */
    get env(): Record<string, string> {
        return {
            PULUMI_BACKEND_URL: `file://${join(this.dir, "state")}`,
            PULUMI_CONFIG_PASSPHRASE: "engine-test-passphrase",
            PULUMI_SKIP_UPDATE_CHECK: "1",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
            PULUMI_HOME: join(this.dir, "home"),
            PATH: `${join(REPOSITORY, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
        };
    }

    async create(
        stackName: string,
        options: EngineStackOptions = {},
        adminPassword = `admin-${Math.random().toString(36).slice(2)}-@/:`,
    ): Promise<this> {
        const { mkdirSync } = await import("node:fs");
        mkdirSync(join(this.dir, "state"), { recursive: true });
        mkdirSync(join(this.dir, "work"), { recursive: true });
        const workspace = await LocalWorkspace.create({
            workDir: join(this.dir, "work"),
            projectSettings: projectSettings(options.repository),
            envVars: this.env,
        });
        this.stack = await (await import("@pulumi/pulumi/automation")).Stack.create(stackName, workspace);
        await this.setConfig({ ...(options.server ? {} : { container: this.containerConfig() }), ...options.config });
        await this.stack.setConfig("hive-db:adminPassword", { value: adminPassword, secret: true });
        return this;
    }

    /** The container's config: the local image, free names and a free port. */
    containerConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
        return {
            image: ENGINE_IMAGE,
            name: this.containerName,
            volume: this.volumeName,
            network: this.networkName,
            hostPort: this.hostPort,
            ...extra,
        };
    }

    readonly hostPort: number;

    async setConfig(config: Record<string, unknown>): Promise<void> {
        for (const [key, value] of Object.entries(config)) {
            await this.stack.setConfig(`hive-db:${key}`, { value: typeof value === "string" ? value : JSON.stringify(value) });
        }
    }

    async outputs(): Promise<StackOutputs> {
        const outputs: OutputMap = await this.stack.outputs();
        return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value])) as StackOutputs;
    }

    /** Removes the stack, its state and every Docker object it made, kept data included. */
    async dispose(): Promise<void> {
        await this.stack?.destroy({ color: "never" }).catch(() => undefined);
        await run("docker", ["rm", "--force", this.containerName]).catch(() => undefined);
        await run("docker", ["volume", "rm", "--force", this.volumeName]).catch(() => undefined);
        await run("docker", ["network", "rm", this.networkName]).catch(() => undefined);
        rmSync(this.dir, { recursive: true, force: true });
    }
}
