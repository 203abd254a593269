/**
 * Which PostgreSQL major version an image runs, and which one wrote a data directory: what decides
 * whether a server can start on that data (it cannot across major versions). Read-only; an image
 * that is not on the engine, or a data directory that does not exist yet, is "unknown" (undefined).
 * Synchronous: the program asks while it loads, before it registers anything (an error thrown
 * later, from its async body, holds a failed `pulumi up` open for some 15 s).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, posix } from "node:path";

/** Where the images keep the data: the mount point of the volume or host directory. */
export const DATA_MOUNT = "/var/lib/postgresql/data";

/** `docker <args>`'s trimmed stdout, or undefined when it fails. */
function dockerOrUndefined(args: string[], timeoutMs = 20_000): string | undefined {
    try {
        return execFileSync("docker", args, { encoding: "utf8", timeout: timeoutMs, stdio: ["ignore", "pipe", "pipe"] }).trim();
    } catch {
        return undefined;
    }
}

/** The PostgreSQL major an image runs: its PG_MAJOR, else `postgres --version`; undefined when the image is not local. */
export function localImageMajor(image: string): number | undefined {
    const inspected = dockerOrUndefined(["image", "inspect", "--format", "{{json .Config.Env}}", image]);
    if (inspected === undefined) return undefined;
    const declared = ((JSON.parse(inspected) as string[] | null) ?? []).find((entry) => entry.startsWith("PG_MAJOR="));
    if (declared !== undefined) return Number.parseInt(declared.slice("PG_MAJOR=".length), 10);
    const version = dockerOrUndefined(["run", "--rm", "--network", "none", "--entrypoint", "postgres", image, "--version"], 60_000);
    const match = /\(PostgreSQL\)\s+(\d+)/.exec(version ?? "");
    return match === null ? undefined : Number(match[1]);
}

/** A data directory: a named volume or a host directory mounted on DATA_MOUNT, PGDATA somewhere below it. */
export type DataMount = { volume: string } | { hostPath: string };

export const mountArgument = (mount: DataMount) =>
    "volume" in mount ? `${mount.volume}:${DATA_MOUNT}` : `${mount.hostPath}:${DATA_MOUNT}`;

function parseMajor(text: string): number | undefined {
    const major = Number.parseInt(text.trim(), 10);
    return Number.isInteger(major) && major > 0 ? major : undefined;
}

/**
 * Whether `container` runs `image` itself (the same image ID): then its data is that image's major,
 * and nothing needs reading. One `docker inspect` of both, the check every no-change preview makes.
 */
export function runsImage(container: string, image: string): boolean {
    let found: string;
    try {
        found = execFileSync("docker", ["inspect", container, image], {
            encoding: "utf8",
            timeout: 20_000,
            stdio: ["ignore", "pipe", "ignore"],
        });
    } catch (error) {
        // Exit 1 when one of them is missing; then there is nothing to compare.
        found = (error as { stdout?: string }).stdout ?? "";
    }
    const objects = JSON.parse(found.trim() === "" ? "[]" : found) as Array<{ Id: string; Image?: string; State?: { Running: boolean } }>;
    const running = objects.find((object) => object.State?.Running === true);
    const wanted = objects.find((object) => object.State === undefined);
    return running !== undefined && wanted !== undefined && running.Image === wanted.Id;
}

/** A running container that mounts exactly this volume on DATA_MOUNT: reading through it is the fastest way. */
function runningContainerOn(container: string, volume: string): boolean {
    const format = `{{.State.Running}}|{{range .Mounts}}{{if eq .Destination "${DATA_MOUNT}"}}{{.Name}}{{end}}{{end}}`;
    const [running, mounted] = (dockerOrUndefined(["container", "inspect", "--format", format, container]) ?? "").split("|");
    return running === "true" && mounted === volume;
}

/**
 * The major version in PGDATA/PG_VERSION, or undefined when there is no initialised data directory
 * (no volume yet, an empty one). A host directory is read directly; a volume through `via.container`
 * when it runs on that volume, else through a throwaway container of `via.image` that mounts it read-only.
 */
export function dataDirectoryMajor(mount: DataMount, pgdata: string, via: { container: string; image: string }): number | undefined {
    // PGDATA lies under the mount (the config's rule): PG_VERSION's path relative to it.
    const below = posix.join(posix.relative(DATA_MOUNT, pgdata), "PG_VERSION");
    if ("hostPath" in mount) {
        try {
            return parseMajor(readFileSync(join(mount.hostPath, below), "utf8"));
        } catch {
            return undefined;
        }
    }
    if (dockerOrUndefined(["volume", "inspect", "--format", "{{.Name}}", mount.volume]) === undefined) return undefined;
    const path = posix.join(DATA_MOUNT, below);
    const read = runningContainerOn(via.container, mount.volume)
        ? ["exec", via.container, "cat", path]
        : ["run", "--rm", "--network", "none", "--user", "0:0", "-v", `${mountArgument(mount)}:ro`, "--entrypoint", "cat", via.image, path];
    const text = dockerOrUndefined(read, 60_000);
    return text === undefined ? undefined : parseMajor(text);
}
