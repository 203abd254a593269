/**
 * What a stack's state says about its Docker side and the data it keeps, read from
 * `pulumi stack export` (the Automation API's `exportStack`).
 */
import type { Deployment } from "@pulumi/pulumi/automation";
import { TYPE } from "../../stack/resources";

interface StateResource {
    urn: string;
    type: string;
    id?: string;
    inputs?: Record<string, unknown>;
}

function resourcesOf(deployment: Deployment): StateResource[] {
    return ((deployment.deployment as { resources?: StateResource[] }).resources ?? []).filter((r) => r.type !== "pulumi:pulumi:Stack");
}

const DOCKER_TYPES: string[] = [TYPE.image, TYPE.network, TYPE.volume, TYPE.container];

/** URNs of the Docker resources a targeted refresh repairs: the container, its network, volume and image. */
export function dockerUrns(deployment: Deployment): string[] {
    return resourcesOf(deployment)
        .filter((resource) => DOCKER_TYPES.includes(resource.type))
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
