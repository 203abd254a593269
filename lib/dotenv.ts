/**
 * `.env` lines that every reader the apps use gets back verbatim.
 */

// Values made only of these characters need no quoting in any dotenv dialect.
const PLAIN_DOTENV_VALUE = /^[A-Za-z0-9_./:@%+=,?-]*$/;

/** One `KEY=value` line that python-dotenv, docker compose and `source` all read back verbatim. */
export function dotenvLine(key: string, value: string): string {
    if (PLAIN_DOTENV_VALUE.test(value)) {
        return `${key}=${value}`;
    }
    if (!value.includes("'") && !value.includes("\n")) {
        // Single quotes: no escapes are interpreted inside them.
        return `${key}='${value}'`;
    }
    throw new Error(`${key}: value cannot be written to a .env file safely (it contains a single quote or newline)`);
}
