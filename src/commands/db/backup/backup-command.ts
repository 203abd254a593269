/**
 * `npm run db -- backup`: a backup of the named modes' schemas, or of every mode of the named
 * databases, or of all modes, from one consistent snapshot per database while the apps run.
 */
import { type CommandSpec, usageError } from "../../../shared/cli";
import { makeRedactor } from "../../../shared/redact";
import { openStack, stackNameOf, stackOption } from "../../common/workspace";
import { backupRoot, selectionOf } from "./plan";
import { backupStack } from "./stack-backup";
import { stackServer } from "./stack-server";

const options = {
    ...stackOption,
    mode: { type: "string", multiple: true, valueName: "M", description: "back up this mode's schemas (repeatable)" },
    database: { type: "string", multiple: true, valueName: "D", description: "back up every mode of this database (repeatable)" },
    all: { type: "boolean", default: false, description: "back up every mode" },
    out: { type: "string", valueName: "DIR", description: "a new or empty directory for the backup (default below)" },
    "client-image": {
        type: "string",
        valueName: "IMAGE",
        description: "existing server only: the image whose pg_dump runs (default hive-db/pgvector:<server major>)",
    },
} as const;

export const backupCommand: CommandSpec<typeof options> = {
    name: "db",
    usage: ["backup (--mode M ... | --database D ... | --all) [--out DIR] [--stack NAME]"],
    summary:
        "Writes one pg_dump archive (custom format) per mode, of its schemas only, and a manifest (manifest.json: stack,\n" +
        "modes, databases, schemas, server and extension versions, per-table row counts and checksums read in the\n" +
        "dump's own snapshot, SHA-256 of each file), files 0600, directory 0700. --database D backs up every mode of D\n" +
        "in one snapshot. The apps keep running. Changes nothing on the server.\n" +
        `Default directory: ${backupRoot()}/<stack>/<time>-backup ($HIVE_DB_BACKUP_DIR sets the root).`,
    options,
    async run({ values }, { say, redactWith }) {
        const selection = selectionOf(values);
        if (typeof selection === "string") throw usageError(backupCommand, selection);
        const stack = await openStack(stackNameOf(values));
        const server = await stackServer(stack, { clientImage: values["client-image"] });
        redactWith(makeRedactor([server.adminPassword]));
        try {
            const { directory } = await backupStack(server, selection, { directory: values.out, reason: "backup", log: say });
            say(`restore it with: npm run db -- restore ${directory}  (or one file of it; --stack for another stack)`);
            return 0;
        } finally {
            await server.tools.dispose();
        }
    },
};
