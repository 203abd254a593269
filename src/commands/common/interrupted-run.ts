/**
 * What an interrupted run leaves in the state besides its lock: pending operations. A pending
 * create of the container whose container exists (Docker made it, the state never learnt its id) is
 * stopped cleanly and removed, so the next up can create it again: a container holds no data of its
 * own (the volume does). Every other object a pending create may have made is kept and taken over
 * by the next up (volumes and networks by name, databases and roles by import; the rest is created
 * idempotently). Never a volume or a database. The pending operations are then cleared.
 *
 * Also for an older state: a container recorded without a stop grace period gets the one the program
 * now declares, so even its first replacement or destroy stops PostgreSQL cleanly.
 */
import type { Deployment } from "@pulumi/pulumi/automation";

import { containerId, docker } from "../../shared/docker";
import { CONTAINER_STOP_GRACE_SECONDS } from "../../stack/model/server-process";
import { TYPE } from "../../stack/resources";
import { type AnyStack, cliStackOf, exportDeployment, importDeployment } from "./pulumi-cli";
import { clearStaleLocks } from "./stack-lock";
import { readDeployment, resourcesOf, type StateResource } from "./state";

interface PendingOperation {
    resource: StateResource;
    type: string;
}

type DeploymentBody = { resources?: StateResource[]; pending_operations?: PendingOperation[] };

const body = (deployment: Deployment) => deployment.deployment as DeploymentBody;
const lacksGrace = (resource: StateResource) =>
    resource.type === TYPE.container && Number(resource.outputs?.destroyGraceSeconds ?? 0) < CONTAINER_STOP_GRACE_SECONDS;

/** Whether the state needs this repair: the caller reads it without the CLI first. */
export function needsRepair(deployment: Deployment): boolean {
    return (body(deployment).pending_operations ?? []).length > 0 || resourcesOf(deployment).some(lacksGrace);
}

/** A container a pending create made: stopped cleanly (its stop signal, a grace period) and removed. */
async function removeHalfMadeContainer(operation: PendingOperation, known: Set<string>, log: (line: string) => void): Promise<void> {
    const name = operation.resource.inputs?.name;
    if (operation.type !== "creating" || operation.resource.type !== TYPE.container || typeof name !== "string") return;
    const id = await containerId(name);
    if (id === undefined || known.has(id)) return;
    await docker(["stop", "--time", String(CONTAINER_STOP_GRACE_SECONDS), name], { timeoutMs: 120_000 });
    await docker(["rm", name]);
    log(`removed container ${name}, half-made by an interrupted run (stopped cleanly first; its data is on the volume)`);
}

export async function repairInterruptedRun(stack: AnyStack, log: (line: string) => void): Promise<void> {
    const cli = cliStackOf(stack);
    const exported = await exportDeployment(cli);
    const state = body(exported);
    const pending = state.pending_operations ?? [];
    const known = new Set(resourcesOf(exported).flatMap((resource) => (resource.id ? [resource.id] : [])));
    for (const operation of pending) await removeHalfMadeContainer(operation, known, log);
    for (const resource of (state.resources ?? []).filter(lacksGrace)) {
        for (const properties of [resource.inputs, resource.outputs]) {
            if (properties !== undefined) properties.destroyGraceSeconds = CONTAINER_STOP_GRACE_SECONDS;
        }
        log(
            `container ${String(resource.inputs?.name)}: a ${CONTAINER_STOP_GRACE_SECONDS} s grace period to stop cleanly, recorded in the state`,
        );
    }
    delete state.pending_operations;
    await importDeployment(cli, exported);
    if (pending.length > 0) {
        const what = pending.map((operation) => `${operation.type} ${operation.resource.urn.split("::").pop()}`).join(", ");
        log(`cleared ${pending.length} pending operation(s) an interrupted run left: ${what}`);
    }
}

/** Before any engine operation on a stack: stale locks cleared, an interrupted run's leftovers repaired. */
export async function prepareStack(stack: AnyStack, backendUrl: string | undefined, log: (line: string) => void): Promise<Deployment> {
    await clearStaleLocks(backendUrl ?? "", stack.name, log);
    const deployment = await readDeployment(stack, backendUrl);
    if (!needsRepair(deployment)) return deployment;
    await repairInterruptedRun(stack, log);
    return readDeployment(stack, backendUrl);
}
