/**
 * `npm run db -- restore FILE`: a backup (one dump, a database's folder of them, or a whole backup
 * directory) into the stack's modes, verified against its manifest before it commits.
 */
import type { CommandSpec } from "../../../shared/cli";
import { makeRedactor } from "../../../shared/redact";
import { openStack, stackNameOf, stackOption } from "../../common/workspace";
import { restoreStack } from "./restore";
import { stackServer } from "./stack-server";

const options = {
    ...stackOption,
    mode: { type: "string", valueName: "M", description: "restore into this mode (default: the mode it was taken from)" },
    "from-mode": { type: "string", valueName: "M", description: "with --mode: yes, the backup is mode M's; restore it anyway" },
    replace: { type: "boolean", default: false, description: "replace what the mode's schemas hold (backed up first)" },
    "no-backup": { type: "boolean", default: false, description: "with --replace: do not back up what is replaced" },
    "client-image": { type: "string", valueName: "IMAGE", description: "existing server only: the image whose pg_restore and psql run" },
} as const;

export const restoreCommand: CommandSpec<typeof options> = {
    name: "db",
    usage: ["restore FILE|DIR [--mode M [--from-mode M]] [--replace [--no-backup]] [--stack NAME]"],
    summary:
        "Restores a backup (a dump file, a database's folder, or a whole backup directory) into the stack's modes, as\n" +
        "each mode's own role: it owns everything afterwards. Checks first, changing nothing: the files' SHA-256, the\n" +
        "mode (another mode's backup needs --from-mode), the server's version, the extensions, and that the mode's\n" +
        "schemas are empty unless --replace, which first backs up what it replaces. Each database is restored in one\n" +
        "transaction, committed only when every table's row count and checksum match the manifest.",
    options,
    positionals: { min: 1, max: 1 },
    async run({ values, positionals }, { say, redactWith }) {
        const stack = await openStack(stackNameOf(values));
        const server = await stackServer(stack, { clientImage: values["client-image"] });
        redactWith(makeRedactor([server.adminPassword]));
        try {
            const report = await restoreStack(server, {
                path: positionals[0],
                mode: values.mode,
                fromMode: values["from-mode"],
                replace: values.replace,
                backupFirst: !values["no-backup"],
                log: say,
            });
            const owners = [...new Set(report.items.map((item) => item.mode.role))].join(", ");
            say(
                `restore: done in ${report.seconds} s: ${report.tables} table(s), ${report.rows} rows, equal to the backup, owned by ${owners}`,
            );
            if (report.replacedBackup !== undefined) say(`restore: what was replaced is in ${report.replacedBackup}`);
            return 0;
        } finally {
            await server.tools.dispose();
        }
    },
};
