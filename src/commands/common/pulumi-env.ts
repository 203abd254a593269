/**
 * This developer's Pulumi settings, in one file that the shell's startup files source (as rustup's
 * ~/.cargo/env), so plain `pulumi` works in any terminal and the npm commands read the same values:
 *
 *   ~/.config/hive-db/env
 *     PULUMI_CONFIG_PASSPHRASE_FILE  ~/.config/hive-db/passphrase, generated once: it unlocks every
 *                                    secret of this developer's stacks (back it up)
 *     PULUMI_BACKEND_URL             file://~/.pulumi-hive-db (local state, no account), unless the
 *                                    developer is logged in to a backend of their own already
 *
 * Values already in the environment win (`: "${NAME:=...}"`), so CI and a shared staging stack set
 * their own. Written once by `npm run up`; never rewritten: the developer may edit it.
 */
import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import { join } from "node:path";

import { installShellHook } from "./shell-hook";

const home = () => homedir();
export const configDir = () => join(process.env.XDG_CONFIG_HOME ?? join(home(), ".config"), "hive-db");
export const envFilePath = () => join(configDir(), "env");
export const passphrasePath = () => join(configDir(), "passphrase");
export const defaultBackendUrl = () => `file://${join(home(), ".pulumi-hive-db")}`;

const VARIABLES = ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE_FILE"] as const;

const nonEmpty = (value: string | undefined) => (value === "" ? undefined : value);

/** The backend Pulumi's own `pulumi login` chose, if any (Pulumi reads the account's home, not $HOME). */
function loggedInBackend(): string | undefined {
    const credentials = join(process.env.PULUMI_HOME ?? join(userInfo().homedir, ".pulumi"), "credentials.json");
    try {
        return nonEmpty((JSON.parse(readFileSync(credentials, "utf8")) as { current?: string }).current);
    } catch {
        return undefined;
    }
}

/** The backend this process's Pulumi commands use: the environment's, else the one logged in to. */
export function currentBackendUrl(): string | undefined {
    return nonEmpty(process.env.PULUMI_BACKEND_URL) ?? loggedInBackend();
}

/** The env file's text: HOME-relative paths, each only where the environment sets nothing. */
function envFileText(withBackend: boolean): string {
    const lines = [
        "# hive-db: this developer's Pulumi settings, sourced by the shell's startup files so plain `pulumi`",
        "# commands work in any terminal (written once by `npm run up`; edit freely, it is not rewritten).",
        "# Back up the passphrase file: without it the stacks' secrets cannot be read.",
        ': "${PULUMI_CONFIG_PASSPHRASE_FILE:=${XDG_CONFIG_HOME:-$HOME/.config}/hive-db/passphrase}"',
        "export PULUMI_CONFIG_PASSPHRASE_FILE",
    ];
    if (withBackend) lines.push(': "${PULUMI_BACKEND_URL:=file://$HOME/.pulumi-hive-db}"', "export PULUMI_BACKEND_URL");
    return lines.join("\n") + "\n";
}

/** The values the env file gives in this environment, read by a shell as the developer's shell does. */
function sourceEnvFile(file: string): Partial<Record<(typeof VARIABLES)[number], string>> {
    const script = `. "$1" && printf '%s\\0' ${VARIABLES.map((name) => `"\${${name}:-}"`).join(" ")}`;
    const result = spawnSync("sh", ["-c", script, "sh", file], { encoding: "utf8", env: process.env });
    if (result.status !== 0) throw new Error(`${file} failed in sh: ${result.stderr.trim()}`);
    const values = result.stdout.split("\0");
    return Object.fromEntries(VARIABLES.map((name, index) => [name, nonEmpty(values[index])]));
}

function ensurePassphraseFile(notes: string[]): void {
    const file = nonEmpty(process.env.PULUMI_CONFIG_PASSPHRASE_FILE) ?? passphrasePath();
    if (process.env.PULUMI_CONFIG_PASSPHRASE !== undefined || (existsSync(file) && statSync(file).size > 0)) return;
    mkdirSync(configDir(), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
    notes.push(`generated a secrets passphrase in ${file}: back it up, without it the stack's secrets cannot be read`);
}

/** Writes the env file and hooks it into the shell's startup files, once. */
function setUpEnvFile(notes: string[]): void {
    const withBackend = process.env.PULUMI_BACKEND_URL === undefined && loggedInBackend() === undefined;
    mkdirSync(configDir(), { recursive: true, mode: 0o700 });
    writeFileSync(envFilePath(), envFileText(withBackend), { mode: 0o600 });
    notes.push(`wrote ${envFilePath()}: the passphrase file${withBackend ? " and local state backend" : ""} for plain pulumi commands`);
    notes.push(...installShellHook(envFilePath()));
}

/**
 * Applies this developer's settings to this process (the Automation API passes them on). With
 * `setUp` (npm run up), first makes them: the passphrase, the env file, the shell hook.
 */
export function usePulumiEnvironment(options: { setUp?: boolean } = {}): string[] {
    const notes: string[] = [];
    process.env.PULUMI_SKIP_UPDATE_CHECK ??= "1";
    if (options.setUp && !existsSync(envFilePath())) setUpEnvFile(notes);
    const values = existsSync(envFilePath()) ? sourceEnvFile(envFilePath()) : {};
    for (const name of VARIABLES) {
        const value = values[name];
        if (value !== undefined && nonEmpty(process.env[name]) === undefined) process.env[name] = value;
    }
    if (process.env.PULUMI_CONFIG_PASSPHRASE === undefined) process.env.PULUMI_CONFIG_PASSPHRASE_FILE ??= passphrasePath();
    if (options.setUp) ensurePassphraseFile(notes);
    // No backend from the env file or the environment, and none logged in: the local default.
    if (process.env.PULUMI_BACKEND_URL === undefined && loggedInBackend() === undefined)
        process.env.PULUMI_BACKEND_URL = defaultBackendUrl();
    const backend = process.env.PULUMI_BACKEND_URL;
    if (backend?.startsWith("file:///")) mkdirSync(backend.slice("file://".length), { recursive: true });
    return notes;
}
