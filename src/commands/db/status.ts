/**
 * `npm run db -- status`: the container's state and health, plus the stack's view: drift of its
 * Docker resources (a refresh preview of those only: the database resources cannot be read while the
 * server is down) and verify's summary.
 */
import type { Stack } from "@pulumi/pulumi/automation";

import { dockerUrns } from "../common/state";
import { outputsOfStack } from "../common/stack-outputs";
import { allPassed } from "../verify/results";
import { verifyStack } from "../verify/verify-stack";
import { containerState } from "./container-actions";

/** Docker resources whose real state differs from the stack's: a refresh preview of those resources only. */
export async function dockerDrift(stack: Stack): Promise<Record<string, number>> {
    const target = dockerUrns(await stack.exportStack());
    if (target.length === 0) return {};
    const { changeSummary } = await stack.previewRefresh({ target, color: "never" });
    return Object.fromEntries(Object.entries(changeSummary).filter(([op, count]) => op !== "same" && (count ?? 0) > 0)) as Record<
        string,
        number
    >;
}

export interface VerifySummary {
    passed: number;
    failed: string[];
    skipped: number;
}

/** verify (lib/verify) on the stack's outputs, read with their secrets. */
export async function verifySummary(stack: Stack): Promise<VerifySummary> {
    const results = await verifyStack(await outputsOfStack(stack));
    return {
        passed: results.filter((result) => result.status === "pass").length,
        failed: allPassed(results)
            ? []
            : results.filter((result) => result.status === "fail").map((result) => `${result.id} ${result.subject}: ${result.detail}`),
        skipped: results.filter((result) => result.status === "skip").length,
    };
}

export interface StackStatus {
    lines: string[];
    /** Running, healthy, no drift, verify passes. */
    ok: boolean;
}

/** Container state and health, drift of the stack's Docker resources, and verify's summary. */
export async function stackStatus(stack: Stack, name: string): Promise<StackStatus> {
    const state = await containerState(name);
    const running = state.status === "running";
    const lines = [`container ${name}: ${state.status}${running ? `, ${state.health}` : ""}${state.detail ? ` (${state.detail})` : ""}`];
    let ok = running && state.health !== "unhealthy" && state.health !== "starting";
    try {
        const drift = await dockerDrift(stack);
        const changes = Object.entries(drift).map(([op, count]) => `${op} ${count}`);
        lines.push(
            changes.length === 0
                ? "drift: none (the Docker resources match the stack)"
                : `drift: ${changes.join(", ")} outside Pulumi; npm run up repairs it`,
        );
        ok &&= changes.length === 0;
    } catch (error) {
        lines.push(`drift: could not be read (${(error as Error).message.split("\n")[0]})`);
        ok = false;
    }
    if (!running) {
        lines.push("verify: skipped (the container is not running; npm run db -- start)");
        return { lines, ok: false };
    }
    const summary = await verifySummary(stack);
    lines.push(`verify: ${summary.passed} passed, ${summary.failed.length} failed, ${summary.skipped} skipped`);
    lines.push(...summary.failed.map((failure) => `  FAIL ${failure}`));
    return { lines, ok: ok && summary.failed.length === 0 };
}
