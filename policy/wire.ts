/**
 * What the engine sent a policy, before @pulumi/policy unwrapped it: a resource's properties in
 * their wire form, with secret markers and unknowns intact.
 *
 * The engine marshals every property with its secret marker (KeepSecrets), but @pulumi/policy 1.21
 * deserializes `args.props` with `proxySecrets: false`, which drops the markers: a policy reading
 * `args.props` cannot tell a secret from plain text. So this module wraps the pack's deserializer
 * (`@pulumi/policy/deserialize`, which its server calls through the module object) once, when the
 * pack loads, and remembers the wire form each props object was built from; `wireOf(args.props)`
 * finds it again. Where it finds nothing (a later @pulumi/policy that deserializes another way), the
 * policies that need it report that they cannot see secrets instead of passing: the pinned version
 * is tested end to end in tests/unit/policy-*.test.ts, which drive @pulumi/policy's own server.
 */
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";

type WireObject = Record<string, unknown>;

interface ProtoStruct {
    toJavaScript(): WireObject;
}

type Deserialize = ((struct: ProtoStruct, proxySecrets: boolean) => object) & { [WIRE_FORMS]?: WeakMap<object, WireObject> };

interface DeserializeModule {
    deserializeProperties: Deserialize;
}

/** The key under which the hooked deserializer carries its map (one map, however often this module loads). */
const WIRE_FORMS = Symbol.for("hive-db.policy.wire-forms");

/** @pulumi/policy's proxies (unknown checking, secrets) give their target for this key (`getSpecialProxyTarget`). */
const PROXY_TARGET = "__getSpecialProxyTarget";

/** What a policy reports when the wire form is missing: it cannot judge secrets, so it must not pass. */
export const BLIND =
    "cannot see which values are secret: @pulumi/policy no longer hands this pack the wire form it reads (policy/wire.ts); " +
    "check the pinned @pulumi/policy version";

const deserializer: DeserializeModule = require("@pulumi/policy/deserialize");

function hookDeserializer(): WeakMap<object, WireObject> {
    const current = deserializer.deserializeProperties;
    const existing = current[WIRE_FORMS];
    if (existing !== undefined) return existing;
    const forms = new WeakMap<object, WireObject>();
    const hooked: Deserialize = (struct, proxySecrets) => {
        const props = current(struct, proxySecrets);
        forms.set(props, struct.toJavaScript());
        return props;
    };
    hooked[WIRE_FORMS] = forms;
    deserializer.deserializeProperties = hooked;
    return forms;
}

const wireForms = hookDeserializer();

/** The wire form `args.props` (or a stack resource's `props`) was built from; undefined when unknown to the hook. */
export function wireOf(props: object): WireObject | undefined {
    const target = (props as Record<string, unknown>)[PROXY_TARGET];
    return wireForms.get(typeof target === "object" && target !== null ? target : props);
}

/** A value the engine marked secret: `{ [specialSigKey]: specialSecretSig, value }`. */
export function isSecretMarker(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as WireObject)[specialSigKey] === specialSecretSig;
}

/** A value not known until the update (a preview of something not yet created). */
export function isUnknown(value: unknown): boolean {
    return value === unknownValue;
}

/** The value inside a secret marker, or the value itself. */
export function unwrapSecret(value: unknown): unknown {
    return isSecretMarker(value) ? value.value : value;
}

/** One string in a wire value: where it is, and whether a secret marker encloses it. */
export interface WireString {
    /** `ports[0].ip`, `envFiles.agent`. */
    path: string;
    /** Every object key on the way to it (array indexes left out). */
    keys: string[];
    /** The string, or undefined when it is unknown. */
    value: string | undefined;
    secret: boolean;
}

/** Every string in a wire value (unknowns included, with no value), depth first. */
export function wireStrings(value: unknown, path = "", keys: string[] = [], secret = false): WireString[] {
    if (isSecretMarker(value)) return wireStrings(value.value, path, keys, true);
    if (isUnknown(value)) return [{ path, keys, value: undefined, secret }];
    if (typeof value === "string") return [{ path, keys, value, secret }];
    if (Array.isArray(value)) return value.flatMap((item, index) => wireStrings(item, `${path}[${index}]`, keys, secret));
    // Assets, archives and resource references carry a signature of their own: nothing to read in them.
    if (typeof value !== "object" || value === null || specialSigKey in value) return [];
    return Object.entries(value).flatMap(([key, item]) => wireStrings(item, path === "" ? key : `${path}.${key}`, [...keys, key], secret));
}
