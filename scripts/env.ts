/**
 * npm run env — writes one `.env` file per mode for the apps, from the stack outputs.
 *
 *   pulumi stack output --json --show-secrets | npm run --silent env -- --out DIR [--mode M]... [--force]
 *   npm run env -- --out DIR outputs.json
 *
 * Files are DIR/<mode>.env, mode 0600, written atomically. Prints one line per file (created,
 * updated, unchanged or refused) and never a file's content. Exit status: 0 written (or nothing to
 * do), 1 a file was refused (not written by this command; --force replaces it) and nothing was
 * written, 2 the input or arguments could not be used.
 */
import { parseArgs } from "node:util";

import { readOutputsText, UsageError } from "../lib/cli";
import { applyEnvFilePlans, EnvFilesError, formatEnvFileReport, planEnvFiles } from "../lib/env-files";
import { OutputsError, parseStackOutputs, redactorFor } from "../lib/verify/run";

const USAGE = `usage: pulumi stack output --json --show-secrets | npm run --silent env -- --out DIR [--mode MODE]... [--force]
       npm run env -- --out DIR [--mode MODE]... [--force] <outputs.json>     ('-' reads stdin)`;

interface Options {
    out: string;
    modes: string[];
    force: boolean;
    source: string;
}

function parseOptions(args: string[]): Options {
    let parsed;
    try {
        parsed = parseArgs({
            args,
            allowPositionals: true,
            options: {
                out: { type: "string" },
                mode: { type: "string", multiple: true },
                force: { type: "boolean", default: false },
                help: { type: "boolean", short: "h", default: false },
            },
        });
    } catch (error) {
        throw new UsageError(`${(error as Error).message}\n${USAGE}`);
    }
    const { values, positionals } = parsed;
    if (values.help || positionals.length > 1) throw new UsageError(USAGE);
    if (values.out === undefined || values.out === "") throw new UsageError(`--out DIR is required\n${USAGE}`);
    return { out: values.out, modes: values.mode ?? [], force: values.force, source: positionals[0] ?? "-" };
}

function main(): number {
    let options: Options;
    let outputs;
    try {
        options = parseOptions(process.argv.slice(2));
        outputs = parseStackOutputs(readOutputsText(options.source, USAGE));
    } catch (error) {
        if (error instanceof UsageError || error instanceof OutputsError) {
            process.stderr.write(`env: ${error.message}\n`);
            return 2;
        }
        throw error;
    }
    // Paths and errors only are printed; the redactor is the second line of defence.
    const redact = redactorFor(outputs);
    try {
        const plans = applyEnvFilePlans(planEnvFiles(outputs, options.out, options.modes, options.force), options.out);
        process.stdout.write(redact(formatEnvFileReport(plans)));
        return plans.some((plan) => plan.status === "refused") ? 1 : 0;
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(redact(`env: ${error instanceof EnvFilesError ? "" : "cannot write the files: "}${message}\n`));
        return 2;
    }
}

try {
    process.exitCode = main();
} catch (error) {
    // Before the outputs are parsed nothing can be redacted: print only the error's type.
    process.stderr.write(`env: internal error (${error instanceof Error ? error.name : typeof error})\n`);
    process.exitCode = 2;
}
