/**
 * A server cannot start on a data directory another major version wrote: with `container.image`
 * changed from PostgreSQL 17 to 18, the new container restarts in a loop ("database files are
 * incompatible with server") until `pulumi up` gives up minutes later, naming no cause. The program
 * compares the two before it registers any resource and refuses with the command that moves the
 * data across (`npm run db -- upgrade`).
 */
import * as pulumi from "@pulumi/pulumi";

import type { HiveDbConfig } from "../config";
import { volumeNameFor } from "../model/naming";
import { currentProbes, type DataLocation, type MajorVersions } from "./probes";

/** The command that moves a stack's data to another major version (src/commands/db/upgrade). */
export function upgradeCommand(image: string): string {
    return `npm run db -- upgrade --image ${image}`;
}

/** Why the configured image cannot start on the data; undefined when it can, or when either major is unknown. */
export function majorVersionProblem(location: DataLocation, majors: MajorVersions): string | undefined {
    if (majors.image === undefined || majors.data === undefined || majors.image === majors.data) return undefined;
    const where = "volume" in location.mount ? `volume ${location.mount.volume}` : `directory ${location.mount.hostPath}`;
    const move =
        majors.image > majors.data
            ? `To move the data to PostgreSQL ${majors.image}, run \`${upgradeCommand(location.image)}\` (it backs the data up, copies ` +
              "and verifies every row on a new volume, and keeps the old one); "
            : "";
    return (
        `hive-db:container.image ${location.image} runs PostgreSQL ${majors.image}, but the data in ${where} was written by ` +
        `PostgreSQL ${majors.data}: a server cannot start on another major version's data, so nothing was changed. ` +
        `${move}or set hive-db:container.image back to a PostgreSQL ${majors.data} image.`
    );
}

/** Where the stack's container would find its data; undefined for an existing server. */
function dataLocation(config: HiveDbConfig): DataLocation | undefined {
    if (config.server !== undefined) return undefined;
    const { container } = config;
    return {
        image: container.image,
        container: container.name,
        pgdata: container.pgdata,
        mount: container.dataDirectory === undefined ? { volume: volumeNameFor(container) } : { hostPath: container.dataDirectory },
    };
}

/** Throws a RunError, before any resource exists, when the configured image cannot run the data. */
export function refuseMajorVersionChange(config: HiveDbConfig): void {
    const location = dataLocation(config);
    if (location === undefined) return;
    const problem = majorVersionProblem(location, currentProbes().majors(location));
    if (problem !== undefined) throw new pulumi.RunError(problem);
}
