/**
 * The one command-line convention of every `npm run` command: `node:util` parseArgs, `--help` on
 * each, one error type, and one way of ending:
 *
 *   0    done
 *   1    the operation failed (or a check found a problem)
 *   2    refused: bad usage, or a check refused to go on; nothing was changed
 *   130  interrupted (Ctrl-C), after the engine cancelled cleanly
 *
 * A command is a `CommandSpec` handed to `runCommand`; its logic lives beside it and throws
 * `CommandError` for what the user can act on. Anything else is an internal error (exit 1), printed
 * through the command's redactor once it has one, and as its type alone before.
 */
import { parseArgs, type ParseArgsOptionDescriptor } from "node:util";

export type ExitCode = 0 | 1 | 2 | 130;

/** An error's type, and a system error's code (EAGAIN, ENOENT): nothing it may have read. */
function typeOnly(error: unknown): string {
    if (!(error instanceof Error)) return typeof error;
    const code = (error as NodeJS.ErrnoException).code;
    return typeof code === "string" ? `${error.name} (${code})` : error.name;
}

/** The commands' one error type: its message is for the user, its exit code 2 (refused) or 1 (failed). */
export class CommandError extends Error {
    constructor(
        message: string,
        readonly exitCode: 1 | 2 | 130 = 2,
        options?: ErrorOptions,
    ) {
        super(message, options);
        this.name = new.target.name;
    }
}

/** A parseArgs option with what `--help` says of it. */
export type OptionSpec = ParseArgsOptionDescriptor & {
    description: string;
    /** The value's name in `--help` (`--tail N`); string options only. */
    valueName?: string;
};
export type OptionSpecs = Record<string, OptionSpec>;

type Config<O extends OptionSpecs> = { options: O; allowPositionals: true; strict: true };
export type ParsedArgs<O extends OptionSpecs> = ReturnType<typeof parseArgs<Config<O>>>;

export interface CommandContext {
    /** Prints a line on stdout (through the redactor). */
    say(line: string): void;
    /** From now on every printed line and error passes through `redact`. */
    redactWith(redact: (text: string) => string): void;
}

export interface CommandSpec<O extends OptionSpecs> {
    /** As typed after `npm run`. */
    name: string;
    /** The forms of the command, each after `npm run <name> --`. */
    usage: string[];
    /** What the command does and what it never does, for `--help`. */
    summary: string;
    options: O;
    /** How many positional arguments the usage allows. @default none */
    positionals?: { min: number; max: number };
    /**
     * Subcommands with options of their own (`npm run db -- backup --help`): the first argument names
     * one, and the rest of the line is its own.
     */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    subcommands?: Record<string, CommandSpec<any>>;
    run(args: ParsedArgs<O>, context: CommandContext): Promise<ExitCode>;
}

const HELP: OptionSpecs = { help: { type: "boolean", short: "h", description: "print this help and exit" } };

export function usageText<O extends OptionSpecs>(spec: CommandSpec<O>): string {
    const line = (form: string) => (form === "" ? `npm run ${spec.name}` : `npm run ${spec.name} -- ${form}`);
    return spec.usage.map((form, index) => `${index === 0 ? "usage:" : "      "} ${line(form)}`).join("\n");
}

function optionLines(options: OptionSpecs): string[] {
    const rows = Object.entries(options).map(([name, option]) => {
        const value = option.type === "string" ? ` ${option.valueName ?? "VALUE"}` : "";
        return [`${option.short ? `-${option.short}, ` : "    "}--${name}${value}`, option.description];
    });
    const width = Math.max(...rows.map(([flag]) => flag.length));
    return rows.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`);
}

export function helpText<O extends OptionSpecs>(spec: CommandSpec<O>): string {
    return [
        usageText(spec),
        "",
        spec.summary,
        "",
        "options:",
        ...optionLines({ ...spec.options, ...HELP }),
        "",
        "exit status: 0 done, 1 failed, 2 refused or bad usage (nothing changed)",
    ].join("\n");
}

/** Bad usage the parser cannot see (a required flag, an unknown subcommand): the problem and the usage (exit 2). */
export function usageError<O extends OptionSpecs>(spec: CommandSpec<O>, problem: string): CommandError {
    return new CommandError(`${problem}\n${usageText(spec)}`);
}

/** Parses `argv` against the spec; a bad flag, value or count of arguments is a CommandError (2). */
export function parseCommandLine<O extends OptionSpecs>(spec: CommandSpec<O>, argv: string[]): ParsedArgs<O> | "help" {
    const options = Object.fromEntries(
        Object.entries({ ...spec.options, ...HELP }).map(([name, option]) => {
            const { description: _description, valueName: _valueName, ...descriptor } = option;
            return [name, descriptor];
        }),
    ) as O;
    let parsed: ParsedArgs<O>;
    try {
        parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    } catch (error) {
        throw new CommandError(`${(error as Error).message}\n${usageText(spec)}`);
    }
    if ((parsed.values as Record<string, unknown>).help === true) return "help";
    const { min, max } = spec.positionals ?? { min: 0, max: 0 };
    const count = parsed.positionals.length;
    if (count < min || count > max) {
        const what = count > max ? `unexpected argument '${parsed.positionals[max]}'` : "missing argument";
        throw new CommandError(`${what}\n${usageText(spec)}`);
    }
    return parsed;
}

/** Runs a command (or the subcommand its first argument names) on these arguments and sets the exit code. */
export function runCommand<O extends OptionSpecs>(spec: CommandSpec<O>, argv = process.argv.slice(2)): Promise<ExitCode> {
    const [first, ...rest] = argv;
    if (first !== undefined && spec.subcommands !== undefined && Object.hasOwn(spec.subcommands, first)) {
        return runCommand(spec.subcommands[first], rest);
    }
    let redact: ((text: string) => string) | undefined;
    const context: CommandContext = {
        say: (line) => void process.stdout.write(`${redact ? redact(line) : line}\n`),
        redactWith: (replacement) => void (redact = replacement),
    };
    const fail = (error: unknown): ExitCode => {
        if (error instanceof CommandError) {
            process.stderr.write(`${spec.name}: ${redact ? redact(error.message) : error.message}\n`);
            return error.exitCode;
        }
        // An internal error may carry anything it touched: its message only once it can be scrubbed.
        const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        process.stderr.write(`${spec.name}: internal error: ${redact ? redact(detail) : typeOnly(error)}\n`);
        return 1;
    };
    const run = async (): Promise<ExitCode> => {
        const parsed = parseCommandLine(spec, argv);
        if (parsed === "help") {
            process.stdout.write(`${helpText(spec)}\n`);
            return 0;
        }
        return spec.run(parsed, context);
    };
    return run()
        .catch(fail)
        .then((code) => (process.exitCode = code));
}
