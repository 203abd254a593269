/**
 * npm run migrate — copy a legacy per-mode database into its mode's schema of the shared database,
 * with its data (README, "Existing installs").
 *
 *   npm run migrate -- --from-env-file ../hive-agent/.env --mode agent [--dry-run]
 *   npm run migrate -- --from postgresql://ai@localhost:35532/hive --mode agent   (password from PGPASSWORD)
 *   ... [--schema SOURCE[:TARGET]]...  [--outputs outputs.json]
 *
 * The target is the mode's role in the stack $HIVE_DB_STACK (default dev), or in the outputs file
 * (`pulumi stack output --json --show-secrets`). Exit status: 0 done, 1 failed (rolled back), 2 refused.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { connectionFromEnvFile, connectionFromUrl, CredentialsError } from "../lib/legacy/credentials";
import { MigrationRefused, migrate } from "../lib/migrate/run";
import { parseSchemaChoice } from "../lib/migrate/schemas";
import { OutputsError, parseStackOutputs, type StackOutputs, validateStackOutputs } from "../lib/verify/run";
import { parseLibpqUrl } from "../lib/verify/targets";
import { openStack, runCli, say, UsageError } from "./cli";

const USAGE = `usage: npm run migrate -- (--from URL | --from-env-file PATH) --mode MODE [--schema SOURCE[:TARGET]]... [--dry-run] [--outputs FILE]`;

function options() {
    try {
        return parseArgs({
            options: {
                from: { type: "string" },
                "from-env-file": { type: "string" },
                mode: { type: "string" },
                schema: { type: "string", multiple: true },
                "dry-run": { type: "boolean", default: false },
                outputs: { type: "string" },
            },
        }).values;
    } catch (error) {
        throw new UsageError(`${(error as Error).message}\n${USAGE}`);
    }
}

function readText(path: string): string {
    try {
        return readFileSync(path === "-" ? 0 : path, "utf8");
    } catch (error) {
        throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
}

/** The legacy database: a URL (its password, if absent, from PGPASSWORD) or an app's .env. */
function sourceConnection(args: ReturnType<typeof options>) {
    if ((args.from === undefined) === (args["from-env-file"] === undefined))
        throw new UsageError(`give one of --from and --from-env-file\n${USAGE}`);
    if (args.from !== undefined) {
        const connection = connectionFromUrl(args.from, "--from");
        return { ...connection, password: connection.password || process.env.PGPASSWORD };
    }
    const file = args["from-env-file"] as string;
    return connectionFromEnvFile(readText(file), file);
}

async function stackOutputs(file: string | undefined): Promise<StackOutputs> {
    if (file !== undefined) return parseStackOutputs(readText(file));
    const outputs = await (await openStack()).outputs();
    return validateStackOutputs(Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value])));
}

async function main(): Promise<number> {
    const args = options();
    if (args.mode === undefined) throw new UsageError(USAGE);
    const source = sourceConnection(args);
    const outputs = await stackOutputs(args.outputs);
    const mode = args.mode;
    if (!outputs.modeNames.includes(mode)) throw new UsageError(`--mode ${mode}: the stack's modes are ${outputs.modeNames.join(", ")}`);
    const started = Date.now();
    const report = await migrate({
        source,
        target: parseLibpqUrl(outputs.libpqUrls[mode]),
        modeSchemas: outputs.schemas[mode],
        schemas: args.schema?.map(parseSchemaChoice),
        dryRun: args["dry-run"],
        log: (line) => say(`migrate: ${line}`),
    });
    const rows = report.copied.reduce((total, table) => total + table.rows, 0);
    if (args["dry-run"]) say("migrate: dry run, nothing was changed");
    else if (!report.changed) say("migrate: nothing to do: the target already holds these tables with the same rows");
    else
        say(
            `migrate: done in ${(Date.now() - started) / 1000} s: ${report.copied.length} table(s), ${rows} rows, owned by ${outputs.roles[mode]}`,
        );
    return 0;
}

runCli("migrate", main, [MigrationRefused, CredentialsError, OutputsError]);
