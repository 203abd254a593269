/**
 * Turns validated config into the concrete layout the database layer declares: which databases
 * exist, and what each mode's role is, owns and listens on. Pure; privileges.ts plans the grants.
 */
import type { HiveDbConfig } from "../config";
import { apiPortFor, databaseFor, managedDatabases, roleNameFor } from "./naming";

export interface ModeLayout {
    name: string;
    role: string;
    database: string;
    /** Owned by the role; the first is where unqualified new tables land. */
    schemas: string[];
    /** The role's default `search_path`: its schemas, then the extensions schema. */
    searchPath: string[];
    apiPort: number;
    /** Modes that may SELECT in this mode's schemas. */
    readers: string[];
    connectionLimit: number;
    /** The mode's counter plus the stack's `rotations.<mode>`: a new value whenever the sum grows. */
    passwordRotation: number;
    apiKeyRotation: number;
}

export interface Layout {
    /** The admin the database layer runs as (the extension guard lets it create extensions). */
    adminUser: string;
    /** Every database the stack manages, the main one first. */
    databases: string[];
    extensions: string[];
    extensionsSchema: string;
    modes: ModeLayout[];
}

export function resolveLayout(config: HiveDbConfig): Layout {
    const modes = Object.entries(config.modes).map(([name, mode]): ModeLayout => ({
        name,
        role: roleNameFor(name, mode),
        database: databaseFor(config, mode),
        schemas: [...mode.schemas],
        searchPath: [...mode.schemas, config.extensionsSchema],
        apiPort: apiPortFor(mode, config.apiBasePort),
        readers: [...mode.readers],
        connectionLimit: mode.connectionLimit,
        passwordRotation: mode.passwordRotation + (config.rotations[name]?.password ?? 0),
        apiKeyRotation: mode.apiKeyRotation + (config.rotations[name]?.apiKey ?? 0),
    }));
    return {
        adminUser: config.adminUser,
        databases: managedDatabases(config),
        extensions: [...config.extensions],
        extensionsSchema: config.extensionsSchema,
        modes,
    };
}

/** A map keyed by mode name, in the layout's mode order. */
export function perMode<Mode extends { name: string }, T>(modes: readonly Mode[], value: (mode: Mode) => T): Record<string, T> {
    return Object.fromEntries(modes.map((mode) => [mode.name, value(mode)]));
}

/** What read access depends on: layout modes and verify's view of the outputs both have it. */
export interface ReadableMode {
    name: string;
    database: string;
    schemas: readonly string[];
    readers: readonly string[];
}

/**
 * Per reader mode, per database it reads that is not its own: the search_path of its read
 * connection there, the schemas of every mode in that database it reads (mode order), then the
 * extensions schema. A reader of a mode in its own database reaches it through its own connection.
 * Every mode is a key, with `{}` when it reads nothing elsewhere.
 */
export function readSearchPaths(modes: readonly ReadableMode[], extensionsSchema: string): Record<string, Record<string, string[]>> {
    const readable = perMode(modes, (): Record<string, string[]> => ({}));
    for (const owner of modes) {
        for (const reader of modes.filter((mode) => owner.readers.includes(mode.name) && mode.database !== owner.database)) {
            (readable[reader.name][owner.database] ??= []).push(...owner.schemas);
        }
    }
    const withExtensions = (schemas: Record<string, string[]>) =>
        Object.fromEntries(Object.entries(schemas).map(([database, list]) => [database, [...list, extensionsSchema]]));
    return perMode(modes, (mode) => withExtensions(readable[mode.name]));
}

/**
 * A per-mode map's own entry: `map[mode]` alone would read `Object.prototype` members for a mode
 * named `constructor` that the map lacks, instead of failing.
 */
export function modeEntry<T>(map: Readonly<Record<string, T>>, mode: string, what: string): T {
    if (!Object.hasOwn(map, mode)) {
        throw new Error(`no ${what} for mode ${mode}`);
    }
    return map[mode];
}
