/**
 * The stack's bridge network as a small dynamic resource that runs the Docker CLI. The docker
 * provider's Network waits a fixed 2 s after every create, read and delete (terraform-provider-docker
 * `networkReadRefreshDelay`), which was most of a cold up's overhead beyond the hand flow; a network
 * needs no waiting. It takes over a network of its name that already exists (a state lost or an
 * interrupted create), and, through its alias, the docker provider's Network of earlier versions.
 */
import * as pulumi from "@pulumi/pulumi";

import { TYPE } from "../resources";

export interface DockerNetworkArgs {
    name: pulumi.Input<string>;
    /** Labels the network carries: the stack's owner label. */
    labels: pulumi.Input<Record<string, string>>;
}

interface NetworkInputs {
    /** Marks this provider's own state (an earlier version's Network has none: see `diff`). */
    kind: "hive-db-network";
    name: string;
    labels: Record<string, string>;
}

/** Runs in the language host; self-contained because Pulumi serializes it into the state. Exported for its tests. */
export const networkProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: NetworkInputs) {
        const { execFileSync } = require("node:child_process");
        const docker = (args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
        let id: string;
        try {
            id = docker(["network", "inspect", "--format", "{{.Id}}", inputs.name]);
        } catch {
            const labels = Object.entries(inputs.labels).flatMap(([key, value]) => ["--label", `${key}=${value}`]);
            id = docker(["network", "create", "--driver", "bridge", ...labels, inputs.name]);
        }
        return { id, outs: inputs };
    },
    async read(id: string, props: NetworkInputs) {
        const { execFileSync } = require("node:child_process");
        try {
            execFileSync("docker", ["network", "inspect", "--format", "{{.Id}}", id], { stdio: "ignore" });
            return { id, props };
        } catch {
            return {};
        }
    },
    async diff(_id: string, olds: NetworkInputs, news: NetworkInputs) {
        const replaces = ["name", "labels"].filter(
            (key) => JSON.stringify(olds[key as keyof NetworkInputs]) !== JSON.stringify(news[key as keyof NetworkInputs]),
        );
        // An earlier version's docker provider Network: the same network, its state rewritten in place.
        const adopted = olds.kind !== news.kind;
        return { changes: adopted || replaces.length > 0, replaces: adopted ? [] : replaces, deleteBeforeReplace: false };
    },
    async update(_id: string, _olds: NetworkInputs, news: NetworkInputs) {
        return { outs: news };
    },
    async delete(id: string) {
        const { execFileSync } = require("node:child_process");
        try {
            execFileSync("docker", ["network", "rm", id], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        } catch (error) {
            if (!/No such network|not found/i.test(String((error as { stderr?: string }).stderr ?? error))) throw error;
        }
    },
};

export class DockerNetwork extends pulumi.dynamic.Resource {
    /** The network's name, once it exists. */
    declare public readonly name: pulumi.Output<string>;

    constructor(name: string, args: DockerNetworkArgs, opts?: pulumi.CustomResourceOptions) {
        const inputs = { kind: "hive-db-network", name: args.name, labels: args.labels };
        super(networkProvider, name, inputs, { ...opts, aliases: [...(opts?.aliases ?? []), { type: TYPE.legacyNetwork }] });
    }
}
