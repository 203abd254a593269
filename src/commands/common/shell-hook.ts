/**
 * One line in the shell's startup files that sources hive-db's env file, so every new terminal has
 * the developer's Pulumi settings (the way rustup hooks ~/.cargo/env). Appended once, never edited
 * or removed by us; HIVE_DB_SHELL_SETUP=0 leaves the files alone and says what to add instead.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Marks the line, so a second run finds it. */
export const HOOK_MARK = "# hive-db: Pulumi settings for plain `pulumi` commands";

export function hookLines(envFile: string): string {
    const path = envFile.startsWith(`${homedir()}/`) ? `$HOME/${envFile.slice(homedir().length + 1)}` : envFile;
    return `\n${HOOK_MARK} (see ${path})\n[ -f "${path}" ] && . "${path}"\n`;
}

/**
 * The startup files a new terminal reads: ~/.bashrc (interactive bash), ~/.profile or the
 * ~/.bash_profile that replaces it (login shells), ~/.zshenv when zsh is in use.
 */
function startupFiles(): string[] {
    const file = (name: string) => join(homedir(), name);
    const login = existsSync(file(".bash_profile")) ? file(".bash_profile") : file(".profile");
    const zsh = (process.env.SHELL ?? "").endsWith("zsh") || existsSync(file(".zshrc")) || existsSync(file(".zshenv"));
    return [file(".bashrc"), login, ...(zsh ? [file(".zshenv")] : [])];
}

/** Appends the hook where it is missing; returns what it did, for the user. */
export function installShellHook(envFile: string): string[] {
    const lines = hookLines(envFile);
    if (process.env.HIVE_DB_SHELL_SETUP === "0") {
        return [`HIVE_DB_SHELL_SETUP=0: your shell files were left alone; add this to them for plain pulumi commands:${lines}`];
    }
    const changed = startupFiles().filter((file) => !(existsSync(file) && readFileSync(file, "utf8").includes(HOOK_MARK)));
    for (const file of changed) appendFileSync(file, lines, { mode: 0o644 });
    return changed.length === 0 ? [] : [`added one line sourcing it to ${changed.join(", ")} (new terminals pick it up)`];
}
