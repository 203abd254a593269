/**
 * The environment every Pulumi command of this project runs in, with no Pulumi Cloud account. Each
 * default applies only where the user set nothing:
 *
 *   PULUMI_BACKEND_URL             state backend   (file://$HOME/.pulumi-hive-db)
 *   PULUMI_CONFIG_PASSPHRASE(_FILE) secrets        (a generated file, $HOME/.config/hive-db/passphrase)
 *   PULUMI_SKIP_UPDATE_CHECK       1
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export const DEFAULT_BACKEND_URL = `file://${join(homedir(), ".pulumi-hive-db")}`;
export const DEFAULT_PASSPHRASE_FILE = join(homedir(), ".config", "hive-db", "passphrase");

const nonEmpty = (value: string | undefined) => (value === "" ? undefined : value);

/** Sets the defaults above in this process's environment (the Automation API passes it on); returns what it generated. */
export function usePulumiEnvironment(env: NodeJS.ProcessEnv = process.env): string[] {
    const notes: string[] = [];
    env.PULUMI_SKIP_UPDATE_CHECK ??= "1";
    env.PULUMI_BACKEND_URL = nonEmpty(env.PULUMI_BACKEND_URL) ?? DEFAULT_BACKEND_URL;
    if (env.PULUMI_BACKEND_URL.startsWith("file://")) mkdirSync(env.PULUMI_BACKEND_URL.slice("file://".length), { recursive: true });
    if (env.PULUMI_CONFIG_PASSPHRASE === undefined && nonEmpty(env.PULUMI_CONFIG_PASSPHRASE_FILE) === undefined) {
        if (!existsSync(DEFAULT_PASSPHRASE_FILE) || statSync(DEFAULT_PASSPHRASE_FILE).size === 0) {
            mkdirSync(dirname(DEFAULT_PASSPHRASE_FILE), { recursive: true, mode: 0o700 });
            writeFileSync(DEFAULT_PASSPHRASE_FILE, randomBytes(32).toString("base64url"), { mode: 0o600 });
            notes.push(
                `generated a secrets passphrase in ${DEFAULT_PASSPHRASE_FILE} (back it up: without it the stack's secrets cannot be read)`,
            );
        }
        env.PULUMI_CONFIG_PASSPHRASE_FILE = DEFAULT_PASSPHRASE_FILE;
    }
    return notes;
}
