/**
 * npm run verify — checks the live database against a stack's outputs.
 *
 *   pulumi stack output --json --show-secrets | npm run --silent verify
 *   npm run verify -- outputs.json
 *
 * Exit status: 0 every check passed, 1 a check failed, 2 the input could not be used.
 */
import { readOutputsText, UsageError } from "../lib/cli";
import { OutputsError, allPassed, formatReport, parseStackOutputs, redactorFor, verifyStack } from "../lib/verify/run";

const USAGE = `usage: pulumi stack output --json --show-secrets | npm run --silent verify
       npm run verify -- <outputs.json>     ('-' reads stdin)`;

function readInput(args: string[]): string {
    if (args.length > 1 || args.some((arg) => arg === "-h" || arg === "--help")) {
        throw new UsageError(USAGE);
    }
    return readOutputsText(args[0] ?? "-", USAGE);
}

async function main(): Promise<number> {
    let outputs;
    try {
        outputs = parseStackOutputs(readInput(process.argv.slice(2)));
    } catch (error) {
        if (error instanceof UsageError || error instanceof OutputsError) {
            process.stderr.write(`verify: ${error.message}\n`);
            return 2;
        }
        throw error;
    }
    const redact = redactorFor(outputs);
    try {
        const results = await verifyStack(outputs);
        process.stdout.write(formatReport(results, redact));
        return allPassed(results) ? 0 : 1;
    } catch (error) {
        process.stderr.write(
            redact(`verify: internal error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`),
        );
        return 2;
    }
}

main().then(
    (code) => {
        process.exitCode = code;
    },
    (error: unknown) => {
        // Before the outputs are parsed nothing can be redacted: print only the error's type.
        process.stderr.write(`verify: internal error (${error instanceof Error ? error.name : typeof error})\n`);
        process.exitCode = 2;
    },
);
