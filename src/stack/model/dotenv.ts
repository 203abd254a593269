/**
 * `.env` lines that the readers the apps use get back verbatim: python-dotenv (the Hive apps, with
 * its default `${VAR}` interpolation) and Node's `dotenv`. Their quoting rules differ: python-dotenv
 * decodes `\\` and `\'` inside single quotes and many escapes inside double quotes, Node's dotenv
 * decodes only `\n` and `\r` inside double quotes, and unquoted values end at `#` in Node. So each
 * value gets the first form both read the same, with no escapes at all:
 *
 * 1. bare, for values of URL-safe characters (`[A-Za-z0-9_./:@%+=,?-]`): also fine for shells and
 *    docker compose;
 * 2. single quotes, for values without `'`, without `\\` and not ending in `\`;
 * 3. double quotes, for values without `"` and without `\`;
 * 4. bare again, for the rest without `#`, control characters or surrounding spaces.
 *
 * No value may hold a line break or NUL (an environment variable cannot hold NUL, and line-based
 * readers split on breaks), nor `${...}`, which python-dotenv expands in every form with no escape.
 * Passwords the stack generates and URLs it builds (fully percent-encoded) always take form 1.
 */

const PLAIN_VALUE = /^[A-Za-z0-9_./:@%+=,?-]*$/;

/** python-dotenv's interpolation pattern (dotenv/variables.py `_posix_variable`). */
const PYTHON_DOTENV_VARIABLE = /\$\{[^}:]*(?::-[^}]*)?\}/;

/** Characters the bare fallback (form 4) cannot hold: Node's dotenv ends it at `#`, and strips or splits on these. */
const UNSAFE_IN_BARE = /[#\p{Cc}\p{Zl}\p{Zp}]/u;
const TRIMMED_AT_ENDS = /^[\s\p{Z}\p{Cf}]|[\s\p{Z}\p{Cf}]$/u;

/** A value that no dotenv form carries verbatim. The message never contains the value. */
export class DotenvValueError extends Error {
    constructor(key: string, reason: string) {
        super(`${key}: the value cannot be written to a .env file so that every reader gets it back verbatim: it ${reason}`);
        this.name = "DotenvValueError";
    }
}

const singleQuotable = (value: string) => !value.includes("'") && !value.includes("\\\\") && !value.endsWith("\\");
const doubleQuotable = (value: string) => !value.includes('"') && !value.includes("\\");
const bareSafe = (value: string) => !UNSAFE_IN_BARE.test(value) && !TRIMMED_AT_ENDS.test(value) && !/^['"`]/.test(value);

/** Why `value` cannot be a `.env` value, or undefined when `dotenvLine` can write it. */
export function dotenvValueProblem(value: string): string | undefined {
    if (/[\r\n]/.test(value)) return "contains a line break";
    if (value.includes("\0")) return "contains a NUL character";
    if (PYTHON_DOTENV_VARIABLE.test(value)) return "contains ${...}, which python-dotenv would replace with a variable";
    if (PLAIN_VALUE.test(value) || singleQuotable(value) || doubleQuotable(value) || bareSafe(value)) return undefined;
    return `mixes quote characters, backslashes and "#" in a way no quoting form carries`;
}

/** One `KEY=value` line that python-dotenv and Node's dotenv both read back as `value`. */
export function dotenvLine(key: string, value: string): string {
    const problem = dotenvValueProblem(value);
    if (problem) throw new DotenvValueError(key, problem);
    if (PLAIN_VALUE.test(value)) return `${key}=${value}`;
    if (singleQuotable(value)) return `${key}='${value}'`;
    if (doubleQuotable(value)) return `${key}="${value}"`;
    return `${key}=${value}`;
}
