/**
 * npm run verify — checks the live database against a stack's outputs, logged in only as the mode
 * roles; prints one row per check and never a secret.
 */
import { type CommandSpec, runCommand } from "../../shared/cli";
import { redactorFor } from "../common/output-secrets";
import { readCommandOutputs } from "../common/stack-outputs";
import { stackOption } from "../common/workspace";
import { allPassed, formatReport } from "./results";
import { verifyStack } from "./verify-stack";

export const verifyCommand: CommandSpec<typeof stackOption> = {
    name: "verify",
    usage: ["[OUTPUTS.json | -]", "--stack NAME"],
    summary:
        "Checks the live database against the stack outputs: `pulumi stack output --json --show-secrets` piped in, a file,\n" +
        "or the outputs of --stack (the default when nothing is piped in). Exit 1 when a check fails, 2 when the\n" +
        "outputs cannot be used (hidden secrets, not the stack's contract).",
    options: stackOption,
    positionals: { min: 0, max: 1 },
    async run({ values, positionals }, { redactWith }) {
        const outputs = await readCommandOutputs(positionals[0], values.stack);
        const redact = redactorFor(outputs);
        redactWith(redact);
        const results = await verifyStack(outputs);
        process.stdout.write(formatReport(results, redact));
        return allPassed(results) ? 0 : 1;
    },
};

if (require.main === module) void runCommand(verifyCommand);
