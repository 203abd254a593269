/**
 * What the command-line scripts share: reading the stack outputs from a file or stdin, and the
 * error that means "the input could not be used" (exit status 2).
 */
import { readFileSync } from "node:fs";

/** Bad arguments or unreadable input: the script prints the message and exits 2. */
export class UsageError extends Error {}

/**
 * The text of `pulumi stack output --json --show-secrets`: from `source`, a file, or stdin for
 * `-`. Error messages name the source, never its content.
 */
export function readOutputsText(source: string, usage: string): string {
    if (source === "-") {
        if (process.stdin.isTTY) {
            throw new UsageError(`no outputs on stdin\n${usage}`);
        }
        const text = readFileSync(0, "utf8");
        if (text.trim() === "") {
            throw new UsageError(`stdin is empty\n${usage}`);
        }
        return text;
    }
    try {
        return readFileSync(source, "utf8");
    } catch (error) {
        throw new UsageError(`cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
}
