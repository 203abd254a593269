/**
 * A developer's stack file (`Pulumi.<stack>.yaml`: the passphrase's salt, the encrypted admin
 * password, their own overrides) is theirs alone: git ignores it, and these helpers keep it matched
 * to the developer's own stack. A stack file another developer left in the clone (another
 * passphrase) is set aside, never deleted; one that went missing (a new clone, `git clean -fdx`) is
 * restored from the copy kept under ~/.config/hive-db after every successful `npm run up`.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

import { configDir } from "./pulumi-env";
import { PROJECT_DIR } from "./workspace";

export const PROJECT = "hive-db";

/** Where stack files set aside stay, in the clone (git ignores the folder). */
export const setAsideDir = (projectDir = PROJECT_DIR) => join(projectDir, ".hive-db", "stack-files");

export function stackFilePath(stack: string, projectDir = PROJECT_DIR): string {
    return join(projectDir, `Pulumi.${stack}.yaml`);
}

/** The `encryptionsalt` a stack file carries (Pulumi writes it as one top-level line), if any. */
export function encryptionSalt(file: string): string | undefined {
    if (!existsSync(file)) return undefined;
    return /^encryptionsalt:\s*(\S+)\s*$/m.exec(readFileSync(file, "utf8"))?.[1];
}

const shortHash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 12);

/** The copy of this stack file under the developer's config directory: one per backend, project and stack. */
export function keptCopyPath(backendUrl: string, stack: string): string {
    return join(configDir(), "stack-files", shortHash(backendUrl), PROJECT, `Pulumi.${stack}.yaml`);
}

/** What the backend's state says about a stack: whether it exists, its passphrase salt, how many resources. */
export interface StackState {
    salt?: string;
    resources: number;
}

/** The state of a stack in a `file://` backend, read from its checkpoint; undefined when there is none. */
export function fileBackendState(backendUrl: string, stack: string): StackState | undefined {
    const root = backendUrl.slice("file://".length);
    for (const name of [`${stack}.json`, `${stack}.json.gz`]) {
        const file = join(root, ".pulumi", "stacks", PROJECT, name);
        if (!existsSync(file)) continue;
        const raw = readFileSync(file);
        const checkpoint = JSON.parse((name.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8")) as {
            checkpoint?: { latest?: { secrets_providers?: { type?: string; state?: { salt?: string } }; resources?: unknown[] } };
        };
        const latest = checkpoint.checkpoint?.latest;
        const provider = latest?.secrets_providers;
        return { salt: provider?.type === "passphrase" ? provider.state?.salt : undefined, resources: latest?.resources?.length ?? 0 };
    }
    return undefined;
}

function setAsideFiles(stack: string, projectDir: string): string[] {
    const dir = setAsideDir(projectDir);
    if (!existsSync(dir)) return [];
    const prefix = `Pulumi.${stack}.`;
    return readdirSync(dir)
        .filter((name) => name.startsWith(prefix) && name.endsWith(".yaml"))
        .map((name) => join(dir, name));
}

/** Moves a stack file that is not this developer's out of the way, keeping it; returns where it went. */
export function setAside(file: string, stack: string, projectDir = PROJECT_DIR): string {
    mkdirSync(setAsideDir(projectDir), { recursive: true });
    const target = join(setAsideDir(projectDir), `Pulumi.${stack}.${shortHash(readFileSync(file, "utf8"))}.yaml`);
    renameSync(file, target);
    return target;
}

/**
 * Makes the clone's stack file this developer's, for a stack that exists in their backend with this
 * salt: sets a foreign one aside, then restores theirs (from the clone's set-aside files or the kept
 * copy) or, with neither, starts one from the state's salt. Returns what it did, for the user.
 */
export function matchStackFile(stack: string, backendUrl: string, salt: string, projectDir = PROJECT_DIR): string[] {
    const file = stackFilePath(stack, projectDir);
    const current = encryptionSalt(file);
    if (current === salt) return [];
    const notes: string[] = [];
    if (existsSync(file)) notes.push(`set aside ${file}: another passphrase's stack file (kept as ${setAside(file, stack, projectDir)})`);
    const kept = keptCopyPath(backendUrl, stack);
    const setAsideOwn = setAsideFiles(stack, projectDir).find((candidate) => encryptionSalt(candidate) === salt);
    if (setAsideOwn !== undefined) {
        renameSync(setAsideOwn, file);
        notes.push(`restored ${file} (it had been set aside as ${setAsideOwn})`);
    } else if (encryptionSalt(kept) === salt) {
        copyFileSync(kept, file);
        notes.push(`restored ${file} from ${kept}`);
    } else {
        writeFileSync(file, `encryptionsalt: ${salt}\n`, { mode: 0o600 });
        notes.push(`started ${file} from the stack's state: its own settings and admin password were not found`);
    }
    return notes;
}

/** Keeps a copy of the stack file under the developer's config directory (after a successful up). */
export function keepCopy(stack: string, backendUrl: string, projectDir = PROJECT_DIR): void {
    const file = stackFilePath(stack, projectDir);
    if (!existsSync(file)) return;
    const kept = keptCopyPath(backendUrl, stack);
    mkdirSync(join(kept, ".."), { recursive: true, mode: 0o700 });
    writeFileSync(kept, readFileSync(file), { mode: 0o600 });
}
