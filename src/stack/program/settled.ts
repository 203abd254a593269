import type * as pulumi from "@pulumi/pulumi";

/**
 * An output's value once its resource is registered: during `up` that is after the resource was
 * created or updated; in a preview of a resource yet to be created the value is unknown, and this
 * returns undefined instead of waiting forever (an `apply` callback would never run).
 */
export async function settled<T>(output: pulumi.Output<T>): Promise<T | undefined> {
    // `isKnown` and `promise()` are the SDK's own (internal) view of an output; pinned SDK 3.270.
    const internal = output as unknown as { isKnown: Promise<boolean>; promise(): Promise<T> };
    return (await internal.isKnown) ? internal.promise() : undefined;
}
