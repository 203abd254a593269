/**
 * `.env` files for the apps, one per mode, from the stack outputs' `envFiles` bodies (npm run env).
 *
 * Every file carries a header line this module recognises: a file without it was written by someone
 * else (by hand, by an installer) and is only replaced with `force`. Files are written atomically
 * (a temporary file in the same directory, created 0600, synced, renamed over the target), so an
 * app starting meanwhile reads either the old file or the new one, and a failed write leaves the
 * old one. Nothing here prints: the caller reports paths and statuses, never contents.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

import { CommandError } from "../../shared/cli";
import type { StackOutputs } from "../../stack/model/outputs";

/** The first line of every file this module writes starts with this. */
export const ENV_FILE_MARK = "# written by hive-db: npm run env";

/** Owner read/write only: the files hold the mode's password and API key. */
export const ENV_FILE_MODE = 0o600;

export type EnvFileStatus = "created" | "updated" | "unchanged" | "refused";

export interface EnvFilePlan {
    mode: string;
    path: string;
    status: EnvFileStatus;
    /** Why a file is updated or refused, without any of its content. */
    reason?: string;
    content: string;
}

/** A mode that is not in the outputs, or a directory that cannot hold the files. */
export class EnvFilesError extends CommandError {}

export function envFilePath(directory: string, mode: string): string {
    return join(directory, `${mode}.env`);
}

/** What the file for `mode` holds: the mark, then the outputs' body for that mode. */
export function envFileContent(outputs: StackOutputs, mode: string): string {
    return `${ENV_FILE_MARK} (mode ${mode}); rewritten on every run, local edits are lost\n${outputs.envFiles[mode]}`;
}

/** The modes to write: all of them, or the ones asked for (each must exist). */
export function selectModes(outputs: StackOutputs, wanted: readonly string[]): string[] {
    const unknown = wanted.filter((mode) => !outputs.modeNames.includes(mode));
    if (unknown.length > 0) {
        throw new EnvFilesError(`unknown mode(s) ${unknown.join(", ")}; the outputs have: ${outputs.modeNames.join(", ")}`);
    }
    return wanted.length === 0 ? [...outputs.modeNames] : outputs.modeNames.filter((mode) => wanted.includes(mode));
}

type Existing = { kind: "none" } | { kind: "link" } | { kind: "special" } | { kind: "file"; content: string; mode: number };

function existing(path: string): Existing {
    let stat;
    try {
        stat = lstatSync(path);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return { kind: "none" };
        throw error;
    }
    if (stat.isSymbolicLink()) return { kind: "link" };
    if (!stat.isFile()) return { kind: "special" };
    return { kind: "file", content: readFileSync(path, "utf8"), mode: stat.mode & 0o777 };
}

/** What writing `content` to `path` would do. */
function planOne(mode: string, path: string, content: string, force: boolean): EnvFilePlan {
    const plan = (status: EnvFileStatus, reason?: string): EnvFilePlan => ({ mode, path, status, reason, content });
    const found = existing(path);
    switch (found.kind) {
        case "none":
            return plan("created");
        case "special":
            return plan("refused", "not a regular file");
        case "link":
            // Writing through a link would put credentials wherever it points: replace the link itself.
            return force
                ? plan("updated", "--force: replaced a symbolic link")
                : plan("refused", "a symbolic link; use --force to replace the link");
    }
    if (!found.content.startsWith(ENV_FILE_MARK)) {
        return force
            ? plan("updated", "--force: it was not written by npm run env")
            : plan("refused", `not written by npm run env (its first line is not "${ENV_FILE_MARK} …"); use --force to replace it`);
    }
    if (found.content !== content) return plan("updated");
    return found.mode === ENV_FILE_MODE
        ? plan("unchanged")
        : plan("updated", `permissions were ${found.mode.toString(8).padStart(4, "0")}`);
}

/** One plan per selected mode; reads the existing files, writes nothing. */
export function planEnvFiles(outputs: StackOutputs, directory: string, modes: readonly string[], force: boolean): EnvFilePlan[] {
    return selectModes(outputs, modes).map((mode) => planOne(mode, envFilePath(directory, mode), envFileContent(outputs, mode), force));
}

/**
 * Writes `content` to `path` atomically with mode 0600: a temporary file next to it, synced, then
 * renamed over it, then the directory synced. On any error the temporary file is removed and the
 * old file, if any, is left as it was.
 */
export function writeFileAtomic(path: string, content: string): void {
    const directory = dirname(path);
    const temporary = join(directory, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    // "wx": fail rather than follow or reuse anything already at the temporary name.
    const fd = openSync(temporary, "wx", ENV_FILE_MODE);
    try {
        try {
            // The umask may have taken bits away; 0600 exactly is the point.
            fchmodSync(fd, ENV_FILE_MODE);
            writeSync(fd, content);
            fsyncSync(fd);
        } finally {
            closeSync(fd);
        }
        renameSync(temporary, path);
    } catch (error) {
        try {
            unlinkSync(temporary);
        } catch {
            // Already renamed or never written: nothing to clean up.
        }
        throw error;
    }
    syncDirectory(directory);
}

/** Makes the rename itself durable. */
function syncDirectory(directory: string): void {
    const fd = openSync(directory, "r");
    try {
        fsyncSync(fd);
    } finally {
        closeSync(fd);
    }
}

/**
 * Carries out the plans: nothing at all if any file is refused (a half-rotated set of `.env` files
 * is worse than none), else every created or updated file. Returns the plans, for the report.
 */
export function applyEnvFilePlans(plans: readonly EnvFilePlan[], directory: string): readonly EnvFilePlan[] {
    if (plans.some((plan) => plan.status === "refused")) return plans;
    // 0700: the directory holds credentials too; an existing directory keeps its own permissions.
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    for (const plan of plans) {
        if (plan.status === "created" || plan.status === "updated") writeFileAtomic(plan.path, plan.content);
    }
    return plans;
}

/** One line per file: status, path, reason. No content, so no secret. */
export function formatEnvFileReport(plans: readonly EnvFilePlan[]): string {
    const refused = plans.some((plan) => plan.status === "refused");
    const lines = plans.map((plan) => `${plan.status.padEnd(9)} ${plan.path}${plan.reason ? `: ${plan.reason}` : ""}`);
    if (refused) lines.push("", "nothing was written: resolve the refused file(s) first.");
    return lines.join("\n") + "\n";
}
