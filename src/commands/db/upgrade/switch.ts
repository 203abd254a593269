/**
 * Pointing the stack at one side of an upgrade: the config keys `container.image` and the data's
 * (`container.volume` or `container.dataDirectory`) are written, then `npm run up`'s own bring-up
 * replaces the container, and `npm run verify`'s checks run on the stack's outputs.
 */
import type { Stack } from "@pulumi/pulumi/automation";

import { redactorFor } from "../../common/output-secrets";
import { stackConfigValues } from "../../common/stack-config";
import { outputsOfStack } from "../../common/stack-outputs";
import { bringUp } from "../../up/bring-up";
import { allPassed, formatReport, verifyStack } from "../../verify/verify-stack";
import { CONFIG_NAMESPACE } from "../../../stack/config";
import { configLeaves } from "../../adopt/adopt-plan";
import { type ConfigValues, containerAfter } from "./upgrade-plan";

/** The stack's `container` config as written (defaults not filled in). */
async function containerConfig(stack: Stack): Promise<Record<string, unknown>> {
    const container = (await stackConfigValues(stack)).own.container;
    return typeof container === "object" && container !== null ? { ...(container as Record<string, unknown>) } : {};
}

/** The container keys an upgrade writes, as the stack's config holds them now (unset ones absent). */
export async function currentConfigValues(stack: Stack): Promise<ConfigValues> {
    const container = await containerConfig(stack);
    const text = (value: unknown) => (typeof value === "string" ? value : undefined);
    const values: ConfigValues = {
        image: text(container.image),
        volume: text(container.volume),
        dataDirectory: text(container.dataDirectory),
    };
    return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as ConfigValues;
}

/** The config could not be written as meant: nothing was brought up. */
export class ConfigNotWritten extends Error {}

export interface SwitchOptions {
    log: (line: string) => void;
    onOutput?: (text: string) => void;
}

/**
 * Writes the whole `container` map leaf by leaf (`--path`, as adopt does: a map first set as one JSON
 * value would otherwise be replaced by the one leaf written), removes the keys that go, and brings
 * the stack up on it.
 */
export async function switchStack(stack: Stack, wanted: ConfigValues, options: SwitchOptions): Promise<void> {
    const before = await containerConfig(stack);
    const after = containerAfter(before, wanted);
    await stack.setAllConfig(
        Object.fromEntries(Object.entries(configLeaves({ container: after })).map(([key, value]) => [key, { value }])),
        true,
    );
    const removed = Object.keys(before).filter((key) => !(key in after));
    for (const key of removed) await stack.removeConfig(`${CONFIG_NAMESPACE}:container.${key}`, true);
    // Never bring a stack up on a config other than the one meant: the map is read back first.
    const leaves = (container: Record<string, unknown>) => JSON.stringify(Object.entries(configLeaves({ container })).sort());
    if (leaves(await containerConfig(stack)) !== leaves(after)) {
        await stack.setAllConfig(
            Object.fromEntries(Object.entries(configLeaves({ container: before })).map(([key, value]) => [key, { value }])),
            true,
        );
        throw new ConfigNotWritten(
            `the stack's hive-db:container config did not take the new values (it reads ${leaves(await containerConfig(stack))})`,
        );
    }
    const changed = ["image", "volume", "dataDirectory"].filter((key) => after[key] !== undefined && after[key] !== before[key]);
    options.log(
        `config: ${[...changed.map((key) => `container.${key} = ${String(after[key])}`), ...removed.map((key) => `container.${key} removed`)].join(", ")}`,
    );
    await bringUp(stack, { log: options.log, show: options.onOutput });
}

/** `npm run verify` on the stack as it now is: whether every check passed, and the report (secrets scrubbed). */
export async function verifyNow(stack: Stack): Promise<{ passed: boolean; report: string }> {
    const outputs = await outputsOfStack(stack);
    const results = await verifyStack(outputs);
    return { passed: allPassed(results), report: formatReport(results, redactorFor(outputs)) };
}
