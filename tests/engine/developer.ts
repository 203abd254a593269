/**
 * Developers for the team tests: a copy of this repository as a fresh git clone (its tracked and
 * untracked files, committed, node_modules linked), and people with a HOME of their own who run
 * commands the way a new terminal does: `bash -lc`, with nothing in the environment but HOME, PATH
 * (where the Pulumi CLI, its plugins and npm are) and the engine's own switches. No backend, no
 * passphrase: whatever they get comes from the documented setup.
 */
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { REPOSITORY } from "../../src/shared/repository";
import { collect } from "../fixtures/run-script";

export interface ShellRun {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** A clone of the repository as it is now (the working tree's files, committed once). */
export function makeClone(): string {
    const clone = mkdtempSync(join(tmpdir(), "hive-clone-"));
    const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
        cwd: REPOSITORY,
        encoding: "utf8",
    })
        .split("\0")
        .filter((file) => file !== "");
    for (const file of files) {
        mkdirSync(dirname(join(clone, file)), { recursive: true });
        try {
            copyFileSync(join(REPOSITORY, file), join(clone, file));
        } catch {
            // a file deleted in the working tree but still in the index
        }
    }
    symlinkSync(join(REPOSITORY, "node_modules"), join(clone, "node_modules"));
    const git = (...args: string[]) =>
        execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], { cwd: clone });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-q", "-m", "clone");
    // What `npm ci` does on a real clone (`prepare`): the compiled program and commands, which start first.
    execFileSync(process.execPath, [join(clone, "scripts", "compiled.js"), "--build"], { cwd: clone, stdio: "ignore" });
    return clone;
}

/** The engine's switches the outer environment has (a real developer's plugins would be installed instead). */
const ENGINE_SWITCHES = ["PULUMI_SKIP_UPDATE_CHECK", "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION", "DOCKER_HOST"];

/** As root on a machine without sudo (CI sandboxes), the README's `sudo` prefix is a no-op. */
const SUDO_AS_ROOT =
    process.getuid?.() === 0 && execFileSync("sh", ["-c", "command -v sudo || true"], { encoding: "utf8" }).trim() === ""
        ? 'sudo() { "$@"; }; '
        : "";

/** Where this process finds the Pulumi CLI: a developer's installer puts it on PATH in ~/.profile. */
function pulumiDirectory(): string {
    return dirname(execFileSync("sh", ["-c", "command -v pulumi"], { encoding: "utf8" }).trim());
}

export class Developer {
    readonly home = mkdtempSync(join(tmpdir(), "hive-home-"));

    constructor(
        readonly name: string,
        readonly clone: string,
    ) {
        // The prerequisite, as the Pulumi installer leaves it (get.pulumi.com adds ~/.pulumi/bin to ~/.profile).
        writeFileSync(join(this.home, ".profile"), `export PATH="${pulumiDirectory()}:$PATH"\n`);
    }

    get env(): Record<string, string> {
        const switches = Object.fromEntries(
            ENGINE_SWITCHES.flatMap((key) => (process.env[key] ? [[key, process.env[key] as string]] : [])),
        );
        return { HOME: this.home, PATH: process.env.PATH ?? "/usr/bin:/bin", TERM: "dumb", ...switches };
    }

    /** `script` in a new login shell of this developer, in the clone. */
    shell(script: string, timeoutMs = 600_000): Promise<ShellRun> {
        const child = spawn("bash", ["-lc", `${SUDO_AS_ROOT}${script}`], {
            cwd: this.clone,
            env: this.env,
            stdio: ["ignore", "pipe", "pipe"],
            timeout: timeoutMs,
        });
        return collect(child);
    }

    /** Like `shell`, and fails the test (showing what it printed) unless it exits 0. */
    async ok(script: string): Promise<ShellRun> {
        const run = await this.shell(script);
        if (run.code !== 0) throw new Error(`${this.name}: \`${script}\` exited ${run.code}\n${run.stdout}\n${run.stderr}`);
        return run;
    }

    dispose(): void {
        rmSync(this.home, { recursive: true, force: true });
    }
}

/** Removes a container, its volume and network by name, ignoring what is not there. */
export function removeDocker(container: string, volume: string, network: string): void {
    for (const args of [
        ["rm", "--force", container],
        ["volume", "rm", "--force", volume],
        ["network", "rm", network],
    ]) {
        try {
            execFileSync("docker", args, { stdio: "ignore" });
        } catch {
            // not there
        }
    }
}
