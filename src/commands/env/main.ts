/**
 * npm run env — writes one `.env` file per mode for the apps, from the stack outputs: DIR/<mode>.env,
 * mode 0600, written atomically. Prints one line per file (created, updated, unchanged or refused),
 * never a file's content.
 */
import { CommandError, type CommandSpec, runCommand, usageError } from "../../shared/cli";
import { redactorFor } from "../common/output-secrets";
import { readCommandOutputs } from "../common/stack-outputs";
import { stackOption } from "../common/workspace";
import { applyEnvFilePlans, formatEnvFileReport, planEnvFiles } from "./env-files";

const options = {
    ...stackOption,
    out: { type: "string", valueName: "DIR", description: "directory of the files (created if missing); required" },
    mode: { type: "string", multiple: true, valueName: "MODE", description: "only this mode (repeatable; default every mode)" },
    force: { type: "boolean", default: false, description: "replace a file this command did not write" },
} as const;

export const envCommand: CommandSpec<typeof options> = {
    name: "env",
    usage: ["--out DIR [--mode MODE]... [--force] [OUTPUTS.json | -]", "--out DIR [--mode MODE]... [--force] --stack NAME"],
    summary:
        "Writes DIR/<mode>.env for each mode from the stack outputs (piped in, a file, or --stack). A file not written by\n" +
        "this command is refused (exit 1, nothing written) unless --force.",
    options,
    positionals: { min: 0, max: 1 },
    async run({ values, positionals }, { redactWith }) {
        const out = values.out ?? "";
        if (out === "") throw usageError(envCommand, "--out DIR is required");
        const outputs = await readCommandOutputs(positionals[0], values.stack);
        // Paths and statuses only are printed; the redactor is the second line of defence.
        const redact = redactorFor(outputs);
        redactWith(redact);
        const plans = planEnvFiles(outputs, out, values.mode ?? [], values.force);
        let written;
        try {
            written = applyEnvFilePlans(plans, out);
        } catch (error) {
            throw new CommandError(`cannot write the files: ${(error as Error).message}`, 1, { cause: error });
        }
        process.stdout.write(redact(formatEnvFileReport(written)));
        return written.some((plan) => plan.status === "refused") ? 1 : 0;
    },
};

if (require.main === module) void runCommand(envCommand);
