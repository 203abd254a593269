/**
 * Image references name a version: a tag other than `latest`, or (with `pinning: digest`) a digest.
 * A floating reference lets a pull bring a new PostgreSQL major version onto a data directory the
 * old one wrote, which then does not start. Checked where the stack names an image: the RemoteImage
 * it pulls, and the Container's image when that is a reference rather than the pulled image's ID.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";

import { TYPE } from "../../src/stack/resources";
import { isUnknown, wireOf } from "../wire";

export type Pinning = "tag" | "digest";

export interface PinnedImagesConfig {
    /** `tag` (the default): a tag other than latest, or a digest. `digest`: a digest only. */
    pinning?: Pinning;
}

const DIGEST = /@sha256:[0-9a-f]{64}$/;
/** What the Container gets from the RemoteImage: the local image's ID, which is content-addressed. */
const IMAGE_ID = /^sha256:[0-9a-f]{64}$/;

/** How firmly a reference names one image: by content, by a tag, or not at all. */
export function pinOf(reference: string): "digest" | "tag" | "floating" {
    if (DIGEST.test(reference) || IMAGE_ID.test(reference)) return "digest";
    const lastSegment = reference.slice(reference.lastIndexOf("/") + 1);
    const colon = lastSegment.indexOf(":");
    const tag = colon === -1 ? "" : lastSegment.slice(colon + 1);
    return tag === "" || tag === "latest" ? "floating" : "tag";
}

/** The image reference a resource names, if it names one and it is known now. */
function referenceOf(args: ResourceValidationArgs): string | undefined {
    const key = args.type === TYPE.image ? "name" : args.type === TYPE.container ? "image" : undefined;
    if (key === undefined) return undefined;
    // A preview of a new RemoteImage leaves the Container's image unknown: nothing to judge yet.
    if (isUnknown(wireOf(args.props)?.[key])) return undefined;
    const reference: unknown = args.props[key];
    return typeof reference === "string" ? reference : undefined;
}

export const imagesArePinned: ResourceValidationPolicy = {
    name: "images-are-pinned",
    description: "Image references are pinned: a tag other than latest, or a digest (policy config pinning: digest).",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Name the image with a version tag (agnohq/pgvector:16) or a digest (…@sha256:…) in hive-db:container.image.",
    configSchema: {
        properties: {
            pinning: {
                type: "string",
                enum: ["tag", "digest"],
                default: "tag",
                description: "tag: a tag other than latest, or a digest; digest: a digest only.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const reference = referenceOf(args);
        if (reference === undefined) return;
        const pinning = args.getConfig<PinnedImagesConfig>().pinning ?? "tag";
        const pin = pinOf(reference);
        if (pin === "digest" || (pin === "tag" && pinning === "tag")) return;
        const wanted = pinning === "digest" ? "a digest (@sha256:…)" : "a version tag or a digest";
        reportViolation(
            `${args.name} uses image ${reference}, which is ${pin === "tag" ? "pinned by tag only" : "floating"}: name ${wanted}`,
        );
    },
};
