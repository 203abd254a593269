/**
 * Facts about an existing container and an image that only Docker can tell: the inspect JSON, the
 * major version and owner of the data directory, and the PostgreSQL major an image runs. Read-only:
 * the data directory is read by a throwaway container (`--volumes-from`, works stopped or running).
 */
import { docker } from "../../shared/docker";
import { localImageMajor } from "../../shared/postgres-image";
import { ensureImage } from "../up/preflight";
import { type Inspection, type LegacyContainer, LegacyContainerError, parseInspection } from "./legacy-container";

export interface DataFacts {
    /** PG_VERSION of the data directory: the major version that wrote it. */
    major: number;
    /** `UID:GID` owning PGDATA: who the server must run as on a bind mount. */
    owner: string;
}

export async function inspectLegacyContainer(name: string): Promise<LegacyContainer & { imageId: string }> {
    let json: string;
    try {
        json = await docker(["container", "inspect", name]);
    } catch {
        throw new LegacyContainerError(`there is no container named ${name} (docker ps -a lists them)`);
    }
    const [inspection] = JSON.parse(json) as Array<Inspection & { Image: string }>;
    return { ...parseInspection(inspection), imageId: inspection.Image };
}

/** Reads PG_VERSION and the owner of PGDATA through a throwaway container of the container's own image. */
export async function dataFacts(container: LegacyContainer & { imageId: string }): Promise<DataFacts> {
    const script = 'cat "$1/PG_VERSION" && stat -c %u:%g "$1"';
    let output: string;
    try {
        output = await docker([
            "run",
            "--rm",
            "--network",
            "none",
            "--user",
            "0:0",
            "--volumes-from",
            container.name,
            "--entrypoint",
            "sh",
            container.imageId,
            "-c",
            script,
            "sh",
            container.pgdata,
        ]);
    } catch (error) {
        throw new LegacyContainerError(
            `cannot read ${container.pgdata}/PG_VERSION of container ${container.name} (${(error as Error).message}): ` +
                "is it an initialised PostgreSQL data directory?",
        );
    }
    const [version, owner] = output.split("\n").map((line) => line.trim());
    const major = Number.parseInt(version, 10);
    if (!Number.isInteger(major) || !/^\d+:\d+$/.test(owner ?? "")) {
        throw new LegacyContainerError(`container ${container.name}: unexpected PG_VERSION or owner of ${container.pgdata}`);
    }
    return { major, owner };
}

/** The PostgreSQL major version an image runs (pulled first if need be): its PG_MAJOR, else what `postgres --version` says. */
export async function imageMajor(image: string): Promise<number> {
    await ensureImage(image);
    const major = localImageMajor(image);
    if (major === undefined) throw new LegacyContainerError(`cannot tell which PostgreSQL version image ${image} runs`);
    return major;
}
