/**
 * Runs the pack's policies the way the engine does, without the engine: each resource goes through
 * @pulumi/policy's own analyzer server functions (the ones `pulumi preview --policy-pack` calls over
 * gRPC) as an AnalyzeRequest or AnalyzeStackRequest protobuf, so a policy sees exactly what it would
 * see from the CLI: wire-form properties deserialized by @pulumi/policy, unknowns behind its proxy,
 * secrets unwrapped (and recovered by policy/wire.ts). Inputs come from the real program's resources
 * as the mock monitor recorded them (tests/unit/harness.ts), secret markers included.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Policy, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { PACK_NAME } from "../../policy/policies";
import type { RecordedResource, StackRun } from "./harness";

const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { makeAnalyzeRpcFun, makeAnalyzeStackRpcFun } = require("@pulumi/policy/server");

/** A resource as a policy test gives it: type, name and wire-form properties. */
export interface PolicyInput {
    type: string;
    name: string;
    props: Record<string, unknown>;
    urn?: string;
}

export interface Violation {
    policy: string;
    /** What the policy reported (the CLI shows it after the policy's description). */
    message: string;
    urn: string;
    /** advisory | mandatory (a violation a policy could not judge in a preview comes back advisory). */
    level: string;
}

const LEVELS: Record<number, string> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };

/** A Struct as the engine sends it: JSON only (undefined dropped, as the engine never sends it). */
const struct = (props: Record<string, unknown>) => Struct.fromJavaScript(JSON.parse(JSON.stringify(props)));

const urnOf = (resource: PolicyInput) => resource.urn ?? `urn:pulumi:test::hive-db::${resource.type}::${resource.name}`;

function fillResource(message: any, resource: PolicyInput): any {
    message.setType(resource.type);
    message.setName(resource.name);
    message.setUrn(urnOf(resource));
    message.setProperties(struct(resource.props));
    message.setOptions(new analyzerProto.AnalyzerResourceOptions());
    return message;
}

function violationsOf(response: any): Violation[] {
    return response.getDiagnosticsList().map((diagnostic: any) => ({
        policy: diagnostic.getPolicyname(),
        message: diagnostic.getMessage().split("\n").slice(1).join("\n"),
        urn: diagnostic.getUrn(),
        level: LEVELS[diagnostic.getEnforcementlevel()],
    }));
}

/** Calls an analyzer RPC function as gRPC would: `(call, callback)`. */
function callRpc(
    rpc: (call: unknown, callback: (error: unknown, response: unknown) => void) => void,
    request: unknown,
): Promise<Violation[]> {
    return new Promise((resolve, reject) =>
        rpc({ request }, (error, response) => (error ? reject(error) : resolve(violationsOf(response)))),
    );
}

/** The policy with `getConfig` returning this config, as the engine's Configure call would set it. */
function configured<T extends Policy>(policy: T, config: object): T {
    const withConfig = <A extends { getConfig: unknown }>(args: A): A => ({ ...args, getConfig: () => config });
    if ("validateStack" in policy) {
        const stackPolicy = policy as unknown as StackValidationPolicy;
        return { ...policy, validateStack: (args: any, report: any) => stackPolicy.validateStack(withConfig(args), report) };
    }
    const validate = (policy as unknown as ResourceValidationPolicy).validateResource as (args: any, report: any) => void;
    return { ...policy, validateResource: (args: any, report: any) => validate(withConfig(args), report) };
}

/** Violations of one resource policy for one resource, as `pulumi preview` would report them. */
export function analyzeResource(policy: ResourceValidationPolicy, resource: PolicyInput, config: object = {}): Promise<Violation[]> {
    const rpc = makeAnalyzeRpcFun(PACK_NAME, "0.0.0-test", "mandatory", [configured(policy, config)]);
    return callRpc(rpc, fillResource(new analyzerProto.AnalyzeRequest(), resource));
}

/** Violations of one stack policy for a whole stack (outputs as props), as the end of a preview reports them. */
export function analyzeStack(policy: StackValidationPolicy, resources: PolicyInput[], config: object = {}): Promise<Violation[]> {
    const rpc = makeAnalyzeStackRpcFun(PACK_NAME, "0.0.0-test", "mandatory", [configured(policy, config)]);
    const request = new analyzerProto.AnalyzeStackRequest();
    request.setResourcesList(resources.map((resource) => fillResource(new analyzerProto.AnalyzerResource(), resource)));
    return callRpc(rpc, request);
}

/** A recorded resource of the real program as a policy input (its inputs are its wire-form properties). */
export function inputOf(resource: RecordedResource): PolicyInput {
    return { type: resource.type, name: resource.name, urn: resource.urn, props: resource.inputs };
}

/** The root stack resource with the program's outputs in wire form, secret markers included. */
export async function stackResourceOf(run: StackRun): Promise<PolicyInput> {
    const props = await pulumi.runtime.serializeProperties("stack outputs", run.outputs);
    return { type: "pulumi:pulumi:Stack", name: "hive-db-dev", props };
}

/** The whole stack as a stack policy sees it: every recorded resource, and the root stack with its outputs. */
export async function stackOf(run: StackRun): Promise<PolicyInput[]> {
    return [...run.resources.map(inputOf), await stackResourceOf(run)];
}

/** A copy of a policy input with some properties replaced (a hand-made violating variant). */
export function withProps(resource: PolicyInput, props: Record<string, unknown>): PolicyInput {
    return { ...resource, props: { ...resource.props, ...props } };
}

/** `{ [sig]: secret, value }`: how the engine marks a secret on the wire. */
export function secretWire(value: unknown): Record<string, unknown> {
    return { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value };
}

/** The engine's placeholder for a value a preview does not know yet. */
export const UNKNOWN = pulumi.runtime.unknownValue;
