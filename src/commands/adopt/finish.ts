/**
 * `npm run adopt -- --finish`: after `up`, as the stack's admin, each mode takes its schemas'
 * legacy objects over and the extensions move to the shared schema (ownership.ts), in every
 * database of the stack; then the extensions' state is refreshed so the next preview is clean.
 */
import type { Stack } from "@pulumi/pulumi/automation";

import { CONFIG_NAMESPACE } from "../../stack/config";
import { resolveLayout } from "../../stack/model/layout";
import { stackConfig } from "../common/stack-config";
import { withSession } from "../../shared/pg-session";
import { clientConfigFor } from "../../stack/model/urls";
import { type OwnershipReport, takeOwnership } from "./ownership";
import { CommandError } from "../../shared/cli";
import { TYPE } from "../../stack/resources";

export class FinishRefused extends CommandError {}

export async function finishAdoption(stack: Stack, log: (line: string) => void): Promise<OwnershipReport[]> {
    const config = await stackConfig(stack);
    const layout = resolveLayout(config);
    const outputs = await stack.outputs();
    const [host, port] = [outputs.serverHost?.value as string | undefined, outputs.serverPort?.value as number | undefined];
    if (host === undefined || port === undefined) {
        throw new FinishRefused(`stack ${stack.name} has no outputs yet: bring it up first (npm run up), then finish`);
    }
    const password = (await stack.getConfig(`${CONFIG_NAMESPACE}:adminPassword`)).value;
    // TLS as the stack's server says (the container has none), root certificate included.
    const tls = { sslmode: config.server?.sslmode ?? "disable", sslrootcert: config.server?.sslrootcert } as const;
    const reports: OwnershipReport[] = [];
    for (const database of layout.databases) {
        const admin = clientConfigFor({ host, port, user: config.adminUser, password, database, ...tls });
        reports.push(await withSession(admin, "hive-db-finish", (client) => takeOwnership(client, layout, database)));
    }
    reports.forEach((report) => describeOwnership(report).forEach(log));
    if (reports.some((report) => report.moved.length > 0)) {
        // The state still places the extension where `up` found it; read it back where it is now.
        const deployment = (await stack.exportStack()).deployment as { resources?: Array<{ urn: string; type: string }> };
        const target = (deployment.resources ?? []).filter((resource) => resource.type === TYPE.extension).map((r) => r.urn);
        await stack.refresh({ target, color: "never" });
    }
    return reports;
}

export function describeOwnership(report: OwnershipReport): string[] {
    const lines = report.changed.map(
        (change) => `${report.database}: ${change.kind} ${change.object} now owned by ${change.to} (was ${change.from})`,
    );
    lines.push(...report.moved.map((moved) => `${report.database}: extension ${moved} moved to the extensions schema`));
    lines.push(...report.unmovable.map((extension) => `${report.database}: extension ${extension} left in place`));
    if (lines.length === 0) lines.push(`${report.database}: nothing to change (every object already belongs to its mode)`);
    return lines;
}
