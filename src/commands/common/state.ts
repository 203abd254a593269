/**
 * What a stack's state says about its Docker side and the data it keeps, read from
 * `pulumi stack export` (the Automation API's `exportStack`).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

import type { Deployment } from "@pulumi/pulumi/automation";

import { COMPONENT, containerChild, TYPE } from "../../stack/resources";
import { type AnyStack, cliStackOf, exportDeployment } from "./pulumi-cli";
import { PROJECT } from "./stack-file";

export interface StateResource {
    urn: string;
    type: string;
    id?: string;
    custom?: boolean;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

/** A stack's current deployment: read from the checkpoint of a file:// backend (no CLI run), else exported. */
export async function readDeployment(stack: AnyStack, backendUrl: string | undefined): Promise<Deployment> {
    if (backendUrl?.startsWith("file://")) {
        const dir = join(backendUrl.slice("file://".length), ".pulumi", "stacks", PROJECT);
        for (const name of [`${stack.name}.json`, `${stack.name}.json.gz`]) {
            if (!existsSync(join(dir, name))) continue;
            const raw = readFileSync(join(dir, name));
            const text = (name.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
            const checkpoint = JSON.parse(text) as { version: number; checkpoint?: { latest?: unknown } };
            return { version: 3, deployment: checkpoint.checkpoint?.latest ?? {} };
        }
    }
    return exportDeployment(cliStackOf(stack));
}

export function resourcesOf(deployment: Deployment): StateResource[] {
    return ((deployment.deployment as { resources?: StateResource[] }).resources ?? []).filter((r) => r.type !== "pulumi:pulumi:Stack");
}

const DOCKER_TYPES: string[] = [TYPE.image, TYPE.legacyNetwork, TYPE.volume, TYPE.container];
const NETWORK_URN_END = `::${containerChild.network(COMPONENT.container)}`;

/** URNs of the Docker resources a targeted refresh repairs: the container, its network, volume and image. */
export function dockerUrns(deployment: Deployment): string[] {
    return resourcesOf(deployment)
        .filter((resource) => DOCKER_TYPES.includes(resource.type) || resource.urn.endsWith(NETWORK_URN_END))
        .map((resource) => resource.urn);
}

/** The data a `destroy` leaves behind: the volume, databases and roles in the state now. */
export interface KeptData {
    volumes: string[];
    databases: string[];
    roles: string[];
}

export function keptData(deployment: Deployment): KeptData {
    const namesOf = (type: string) =>
        resourcesOf(deployment)
            .filter((resource) => resource.type === type)
            .map((resource) => String(resource.inputs?.name ?? resource.id ?? ""))
            .sort();
    return {
        volumes: namesOf(TYPE.volume),
        databases: namesOf(TYPE.database),
        roles: namesOf(TYPE.role),
    };
}

/** Names of the containers the state holds (the stack's own, once it has been up). */
export function containersInState(deployment: Deployment): string[] {
    return resourcesOf(deployment)
        .filter((resource) => resource.type === TYPE.container)
        .map((resource) => String(resource.inputs?.name ?? resource.id ?? ""));
}
