/**
 * What an upgrade does and what it must not, decided before anything changes: from which image
 * and data to which, where the new data goes (a new volume or directory beside the old one, which
 * is kept), and which config keys the switch writes. The record of an upgrade is what `--back`
 * reverses. Pure.
 */
import type { ContainerConfig } from "../../../stack/config";
import { volumeNameFor } from "../../../stack/model/naming";

/** Where a server's data lives: a named volume, or a host directory the server runs on as `user`. */
export type Storage = { kind: "volume"; volume: string } | { kind: "directory"; hostPath: string; user: string };

export interface UpgradeFacts {
    stack: string;
    container: ContainerConfig;
    /** The bind-mount user (configured, or this machine's UID:GID). */
    bindUser: string;
    /** The image the stack's container runs now (its data's major). */
    currentImage: string;
    currentMajor: number;
    targetImage: string;
    targetMajor: number;
    /** Whether the new volume or directory already exists (and is not empty). */
    newStorageTaken: boolean;
}

/** The config keys an upgrade writes (`container.image` and the data's key) as they were: undefined means unset. */
export interface ConfigValues {
    image?: string;
    volume?: string;
    dataDirectory?: string;
}

export interface UpgradeSide {
    image: string;
    major: number;
    storage: Storage;
}

export interface UpgradePlan {
    from: UpgradeSide;
    to: UpgradeSide;
}

export const describeStorage = (storage: Storage) =>
    storage.kind === "volume" ? `volume ${storage.volume}` : `directory ${storage.hostPath}`;

export function currentStorage(container: ContainerConfig, bindUser: string): Storage {
    return container.dataDirectory === undefined
        ? { kind: "volume", volume: volumeNameFor(container) }
        : { kind: "directory", hostPath: container.dataDirectory, user: bindUser };
}

/** The new data's home: `<volume>-pg<major>` or `<directory>-pg<major>`, beside the old one. */
export function newStorage(storage: Storage, major: number): Storage {
    return storage.kind === "volume"
        ? { ...storage, volume: `${storage.volume}-pg${major}` }
        : { ...storage, hostPath: `${storage.hostPath}-pg${major}` };
}

export function planUpgrade(facts: UpgradeFacts): { plan?: UpgradePlan; problems: string[] } {
    const storage = currentStorage(facts.container, facts.bindUser);
    const to = newStorage(storage, facts.targetMajor);
    const problems: string[] = [];
    if (facts.targetMajor === facts.currentMajor) {
        problems.push(
            `${facts.targetImage} runs PostgreSQL ${facts.targetMajor}, as the stack does already: a minor update is a plain ` +
                `\`pulumi config set --path 'hive-db:container.image' ${facts.targetImage}\` and npm run up`,
        );
    } else if (facts.targetMajor < facts.currentMajor) {
        problems.push(
            `${facts.targetImage} runs PostgreSQL ${facts.targetMajor}, older than the stack's ${facts.currentMajor}: PostgreSQL data ` +
                "cannot go down a major version; after an upgrade, npm run db -- upgrade --back returns to the data kept from before it",
        );
    }
    if (facts.newStorageTaken) {
        problems.push(
            `${describeStorage(to)} exists already: remove it if it is a failed attempt's (it is not the stack's data), then run this again`,
        );
    }
    if (problems.length > 0) return { problems };
    return {
        plan: {
            from: { image: facts.currentImage, major: facts.currentMajor, storage },
            to: { image: facts.targetImage, major: facts.targetMajor, storage: to },
        },
        problems,
    };
}

/** The config values that select one side: its image and its data. */
export function configFor(side: UpgradeSide, before: ConfigValues): ConfigValues {
    return side.storage.kind === "volume"
        ? { ...before, image: side.image, volume: side.storage.volume }
        : { ...before, image: side.image, dataDirectory: side.storage.hostPath };
}

/** The stack's `container` config with `wanted`'s keys: set ones written, unset ones removed; every other key as it was. */
export function containerAfter(current: Readonly<Record<string, unknown>>, wanted: ConfigValues): Record<string, unknown> {
    const after: Record<string, unknown> = { ...current };
    for (const key of ["image", "volume", "dataDirectory"] as const) {
        if (wanted[key] === undefined) delete after[key];
        else after[key] = wanted[key];
    }
    return after;
}

/** What `upgrade` leaves for `upgrade --back`: both sides and the config keys as they were before. */
export interface UpgradeRecord {
    stack: string;
    at: string;
    from: UpgradeSide;
    to: UpgradeSide;
    /** The config keys before the upgrade, unset ones absent: `--back` writes exactly these. */
    configBefore: ConfigValues;
    /** The backup taken first, if any. */
    backup?: string;
}

/** Whether the stack's config now selects the record's new side (so `--back` applies to it). */
export function recordMatches(record: UpgradeRecord, container: ContainerConfig, bindUser: string): boolean {
    const storage = currentStorage(container, bindUser);
    return container.image === record.to.image && describeStorage(storage) === describeStorage(record.to.storage);
}
