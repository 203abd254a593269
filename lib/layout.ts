/**
 * Turns validated config into the concrete layout the database layer declares: which databases
 * exist, what each mode role owns, and the exact set of grants and default privileges.
 *
 * Kept pure so the privilege model can be read and tested without Pulumi. One grant per
 * (role, database, schema, object type), because the provider's Grant resource revokes and
 * re-grants that whole tuple: two resources on one tuple would fight on every `up`.
 */
import { apiPortFor, databaseFor, HiveDbConfig, managedDatabases, roleNameFor } from "./config";

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
    passwordRotation: number;
    apiKeyRotation: number;
}

export interface Layout {
    /** Every database the stack manages, the main one first. */
    databases: string[];
    extensions: string[];
    extensionsSchema: string;
    modes: ModeLayout[];
}

export type GrantObjectType = "database" | "schema" | "table";

export interface GrantSpec {
    /** Stable, unique suffix for the Pulumi resource name (names are API: renaming replaces). */
    name: string;
    role: string;
    database: string;
    schema?: string;
    objectType: GrantObjectType;
    /** Sorted; empty means REVOKE ALL. */
    privileges: string[];
}

export interface DefaultPrivilegeSpec {
    name: string;
    /** Default privileges apply only to objects this role creates. */
    owner: string;
    role: string;
    database: string;
    schema: string;
    objectType: "table";
    privileges: string[];
}

/** The role name PostgreSQL and the provider use for "every role". */
export const PUBLIC_ROLE = "public";

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
        passwordRotation: mode.passwordRotation,
        apiKeyRotation: mode.apiKeyRotation,
    }));
    return { databases: managedDatabases(config), extensions: [...config.extensions], extensionsSchema: config.extensionsSchema, modes };
}

/** A map keyed by mode name, in the layout's mode order. */
export function perMode<Mode extends { name: string }, T>(modes: readonly Mode[], value: (mode: Mode) => T): Record<string, T> {
    return Object.fromEntries(modes.map((mode) => [mode.name, value(mode)]));
}

/** Grants and default privileges for a layout, merged so each tuple appears once. */
export function planPrivileges(layout: Layout): { grants: GrantSpec[]; defaultPrivileges: DefaultPrivilegeSpec[] } {
    const grants = new Map<string, GrantSpec>();
    const grant = (role: string, database: string, objectType: GrantObjectType, schema: string | undefined, privileges: string[]) => {
        const name = [role, database, schema, objectType].filter((part) => part !== undefined).join("-");
        const existing = grants.get(name);
        const merged = new Set([...(existing?.privileges ?? []), ...privileges]);
        grants.set(name, { name, role, database, schema, objectType, privileges: [...merged].sort() });
    };

    for (const database of layout.databases) {
        // REVOKE ALL ... FROM PUBLIC: only the roles granted below may connect or use `public`.
        grant(PUBLIC_ROLE, database, "database", undefined, []);
        grant(PUBLIC_ROLE, database, "schema", "public", []);
    }

    const byName = new Map(layout.modes.map((mode) => [mode.name, mode]));
    const defaultPrivileges: DefaultPrivilegeSpec[] = [];
    for (const mode of layout.modes) {
        grant(mode.role, mode.database, "database", undefined, ["CONNECT", "TEMPORARY"]);
        grant(mode.role, mode.database, "schema", layout.extensionsSchema, ["USAGE"]);
        for (const schema of mode.schemas) {
            grant(mode.role, mode.database, "schema", schema, ["CREATE", "USAGE"]);
        }
        for (const readerName of mode.readers) {
            const reader = byName.get(readerName);
            if (!reader) {
                throw new Error(`mode ${mode.name}: reader "${readerName}" is not a mode`);
            }
            grant(reader.role, mode.database, "database", undefined, ["CONNECT"]);
            grant(reader.role, mode.database, "schema", layout.extensionsSchema, ["USAGE"]);
            for (const schema of mode.schemas) {
                grant(reader.role, mode.database, "schema", schema, ["USAGE"]);
                grant(reader.role, mode.database, "table", schema, ["SELECT"]);
                defaultPrivileges.push({
                    name: `${mode.role}-${reader.role}-${mode.database}-${schema}-table`,
                    owner: mode.role,
                    role: reader.role,
                    database: mode.database,
                    schema,
                    objectType: "table",
                    privileges: ["SELECT"],
                });
            }
        }
    }
    return { grants: [...grants.values()], defaultPrivileges };
}
