/**
 * Checks that run before `pulumi up` touches anything: the configured image must be present or
 * pullable, or the user learns how to build and select the local one.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CommandError } from "../../shared/cli";

const run = promisify(execFile);

export class PreflightError extends CommandError {}

/** Succeeds when `image` is on the Docker engine, pulling it if needed; otherwise says what to do. */
export async function ensureImage(image: string): Promise<"present" | "pulled"> {
    if (
        await run("docker", ["image", "inspect", image], { timeout: 30_000 }).then(
            () => true,
            () => false,
        )
    )
        return "present";
    try {
        await run("docker", ["pull", "--quiet", image], { timeout: 600_000 });
        return "pulled";
    } catch (error) {
        const reason = ((error as { stderr?: string }).stderr ?? String(error)).trim().split("\n").pop();
        throw new PreflightError(
            `the image ${image} (hive-db:container.image) is not on this Docker engine and cannot be pulled: ${reason}\n` +
                "  Without a registry, build the local pgvector image and select it:\n" +
                "    sudo bash image/build-image.sh\n" +
                "    pulumi config set --path 'hive-db:container.image' hive-db/pgvector:17\n" +
                "  (docs/local-image.md). Nothing was changed.",
        );
    }
}

/** What one `docker inspect` of the stack's container and image says. */
export interface DockerFacts {
    container?: { id: string; running: boolean; health: string; image: string };
    imagePresent: boolean;
}

interface Inspected {
    Id: string;
    State?: { Running: boolean; Health?: { Status: string } };
    Image?: string;
    RepoTags?: string[];
}

/** The container (if it exists) and whether the image is present, in one Docker call. */
export async function dockerFacts(container: string, image: string): Promise<DockerFacts> {
    // Exit 1 when one of them is missing; what was found is still printed, as one JSON array.
    const stdout = await run("docker", ["inspect", container, image], { timeout: 30_000 }).then(
        (result) => result.stdout,
        (error: { stdout?: string }) => error.stdout ?? "",
    );
    const objects = JSON.parse(stdout.trim() === "" ? "[]" : stdout) as Inspected[];
    const found = objects.find((object) => object.State !== undefined);
    return {
        container: found && {
            id: found.Id,
            running: found.State?.Running === true,
            health: found.State?.Health?.Status ?? "none",
            image: found.Image ?? "",
        },
        imagePresent: objects.some((object) => object.RepoTags !== undefined),
    };
}
