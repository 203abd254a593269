/**
 * The exact set of grants and default privileges for a layout. Kept pure so the privilege model can
 * be read and tested without Pulumi. One grant per (role, database, schema, object type), because
 * the provider's Grant resource revokes and re-grants that whole tuple: two resources on one tuple
 * would fight on every `up`.
 */
import type { Layout } from "./layout";

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

/** Grants and default privileges for a layout, merged so each tuple appears once. */
export function planPrivileges(layout: Layout): { grants: GrantSpec[]; defaultPrivileges: DefaultPrivilegeSpec[] } {
    const grants = new Map<string, GrantSpec>();
    const grant = (role: string, database: string, objectType: GrantObjectType, schema: string | undefined, privileges: string[]) => {
        // Defence in depth behind the config rules: PUBLIC is only ever revoked from. A mode role
        // named "public" would otherwise merge its grants into PUBLIC's tuple, open to everyone.
        if (role === PUBLIC_ROLE && privileges.length > 0) {
            throw new Error(`refusing to grant ${privileges.join(", ")} on ${objectType} ${schema ?? database} to PUBLIC`);
        }
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
