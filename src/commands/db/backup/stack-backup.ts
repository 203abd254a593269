/**
 * A backup of a stack's modes, as `npm run db -- backup` and the destructive commands (restore
 * --replace, down --delete-data, upgrade) take it: planned from the stack's layout, written to
 * `--out` or the default place, and named in what they print.
 */
import { CommandError } from "../../../shared/cli";
import { takeBackup } from "./backup";
import type { Manifest } from "./manifest";
import { type BackupSelection, defaultBackupDirectory, planDumps } from "./plan";
import type { StackServer } from "./stack-server";

export interface StackBackupOptions {
    /** The directory; default `<backup root>/<stack>/<time>-<label>`. */
    directory?: string;
    /** `backup`, or the act it comes before: `before restore --replace`. */
    reason: string;
    log: (line: string) => void;
    progressIntervalMs?: number;
}

export interface StackBackup {
    directory: string;
    manifest: Manifest;
}

export async function backupStack(server: StackServer, selection: BackupSelection, options: StackBackupOptions): Promise<StackBackup> {
    const { dumps, problems } = planDumps(selection, server.layout);
    if (problems.length > 0) throw new CommandError(problems.join("\n"));
    const label = options.reason.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "");
    const directory = options.directory ?? defaultBackupDirectory(server.stackName, label, new Date());
    options.log(`backing up ${dumps.map((dump) => dump.mode).join(", ")} of stack ${server.stackName}, ${server.tools.describe}`);
    const manifest = await takeBackup(
        { stack: server.stackName, host: server.tools, admin: server.admin, extensionsSchema: server.layout.extensionsSchema },
        { dumps, selection, directory, reason: options.reason, log: options.log, progressIntervalMs: options.progressIntervalMs },
    );
    return { directory, manifest };
}
