/**
 * npm run migrate — copies a legacy per-mode database into its mode's schema of the shared database,
 * with its data (docs/existing-installs.md).
 */
import { readFileSync } from "node:fs";

import { CommandError, type CommandSpec, runCommand, usageError } from "../../shared/cli";
import { parseLibpqUrl } from "../../shared/pg-session";
import { readStdin } from "../../shared/stdin";
import { readCommandOutputs } from "../common/stack-outputs";
import { stackNameOf, stackOption } from "../common/workspace";
import { connectionFromEnvFile, connectionFromUrl } from "../adopt/legacy-credentials";
import { migrate } from "./migrate-database";
import { parseSchemaChoice } from "./schemas";

const options = {
    ...stackOption,
    from: { type: "string", valueName: "URL", description: "the legacy database (password from PGPASSWORD if absent)" },
    "from-env-file": { type: "string", valueName: "PATH", description: "the legacy app's .env (HIVE_DATABASE_URL)" },
    mode: { type: "string", valueName: "MODE", description: "the mode whose schemas receive the copy; required" },
    schema: { type: "string", multiple: true, valueName: "SOURCE[:TARGET]", description: "copy this schema (repeatable)" },
    "dry-run": { type: "boolean", default: false, description: "list the plan, change nothing" },
    outputs: { type: "string", valueName: "FILE", description: "the stack outputs file instead of --stack" },
} as const;

async function readText(path: string): Promise<string> {
    try {
        return path === "-" ? await readStdin() : readFileSync(path, "utf8");
    } catch (error) {
        throw new CommandError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
}

/** The legacy database: a URL (its password, if absent, from PGPASSWORD) or an app's .env. */
async function sourceConnection(from: string | undefined, envFile: string | undefined) {
    if ((from === undefined) === (envFile === undefined)) throw usageError(migrateCommand, "give one of --from and --from-env-file");
    if (from !== undefined) {
        const connection = connectionFromUrl(from, "--from");
        return { ...connection, password: connection.password || process.env.PGPASSWORD };
    }
    return connectionFromEnvFile(await readText(envFile as string), envFile as string);
}

export const migrateCommand: CommandSpec<typeof options> = {
    name: "migrate",
    usage: ["(--from URL | --from-env-file PATH) --mode MODE [--schema SOURCE[:TARGET]]... [--dry-run] [--outputs FILE]"],
    summary:
        "Copies the legacy database's tables, sequences, types, constraints and indexes into the mode's schemas in one\n" +
        "transaction as the mode's role, committed only when every table's row count and checksum match. Refuses\n" +
        "non-empty targets and objects it cannot copy, changing nothing; a second run copies nothing.",
    options,
    async run({ values }, { say }) {
        const mode = values.mode;
        if (mode === undefined) throw usageError(migrateCommand, "--mode MODE is required");
        const source = await sourceConnection(values.from, values["from-env-file"]);
        // Never stdin: the outputs file, else the stack.
        const outputs = await readCommandOutputs(values.outputs, values.outputs === undefined ? stackNameOf(values) : values.stack);
        if (!outputs.modeNames.includes(mode))
            throw new CommandError(`--mode ${mode}: the stack's modes are ${outputs.modeNames.join(", ")}`);
        const started = Date.now();
        const report = await migrate({
            source,
            target: parseLibpqUrl(outputs.libpqUrls[mode]),
            modeSchemas: outputs.schemas[mode],
            schemas: values.schema?.map(parseSchemaChoice),
            dryRun: values["dry-run"],
            log: (line) => say(`migrate: ${line}`),
        });
        const rows = report.copied.reduce((total, table) => total + table.rows, 0);
        if (values["dry-run"]) say("migrate: dry run, nothing was changed");
        else if (!report.changed) say("migrate: nothing to do: the target already holds these tables with the same rows");
        else
            say(
                `migrate: done in ${(Date.now() - started) / 1000} s: ${report.copied.length} table(s), ${rows} rows, owned by ${outputs.roles[mode]}`,
            );
        return 0;
    },
};

if (require.main === module) void runCommand(migrateCommand);
