/**
 * The container's port reaches this machine only. The stack's own config can opt in to a wider bind
 * (`hive-db:container.allowNonLoopbackBind`), but that is the developer's switch; the exception a
 * platform team grants lives in the policy config (`allowedBindAddresses`), which the stack cannot set.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type * as docker from "@pulumi/docker";
import type { Unwrap } from "@pulumi/pulumi";

import { isLoopback } from "../../src/stack/model/naming";
import { TYPE } from "../../src/stack/resources";

type ContainerInputs = Partial<Unwrap<docker.ContainerArgs>>;

export interface LoopbackBindConfig {
    /** Non-loopback addresses the platform team allows a port to be published on (`0.0.0.0`, a LAN address). */
    allowedBindAddresses?: string[];
}

/** What Docker binds a published port to when the port names no address: every interface. */
const DOCKER_DEFAULT_BIND = "0.0.0.0";

/** One way the container is reachable from outside: the address it listens on (none: every one). */
interface Exposure {
    ip?: string;
    what: string;
}

/** Where each published port listens, and whether the container shares the host's network instead. */
function exposures(container: ContainerInputs): Exposure[] {
    const found: Exposure[] = [];
    if (container.networkMode === "host")
        found.push({ what: "the host's network (network mode host): every port it opens, on every interface" });
    for (const port of container.ports ?? []) {
        const ip = port.ip === undefined || port.ip === "" ? DOCKER_DEFAULT_BIND : port.ip;
        found.push({ ip, what: `port ${port.external ?? "(random)"} → ${port.internal} on ${ip}` });
    }
    return found;
}

export const loopbackBindOnly: ResourceValidationPolicy = {
    name: "loopback-bind-only",
    description: "The container publishes its ports on loopback only, unless the policy config allows the address.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Bind to 127.0.0.1 (hive-db:container.bindAddress), or have the platform team list the address in " +
        "loopback-bind-only.allowedBindAddresses of the policy config.",
    configSchema: {
        properties: {
            allowedBindAddresses: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "Addresses beyond loopback a port may be published on.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPE.container) return;
        const allowed = new Set(args.getConfig<LoopbackBindConfig>().allowedBindAddresses ?? []);
        for (const { ip, what } of exposures(args.props as ContainerInputs)) {
            if (ip !== undefined && (isLoopback(ip) || allowed.has(ip))) continue;
            reportViolation(`container ${args.name} publishes ${what}, beyond this machine`);
        }
    },
};
