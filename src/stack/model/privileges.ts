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

/**
 * The catalog object a grant or default privilege rewrites (one ACL): a database, a schema, the
 * tables of a schema, or one owner's default ACL in a schema. Two statements on one object must
 * never run at once.
 */
export function privilegeObject(spec: GrantSpec | DefaultPrivilegeSpec): string {
    if ("owner" in spec) return `default-acl ${spec.database} ${spec.owner} ${spec.schema}`;
    if (spec.objectType === "database") return `database ${spec.database}`;
    return `${spec.objectType} ${spec.database} ${spec.schema}`;
}

/**
 * Whether the stack must order the statements on this object itself. Database grants need not: the
 * provider takes an advisory lock on the database for them (pgLockDatabase, terraform-provider-
 * postgresql 1.26), so they never overlap, and a chain of one grant per mode would only make `up`
 * wait for each in turn. Schema, table and default-ACL statements lock only their role.
 */
export function needsOrdering(spec: GrantSpec | DefaultPrivilegeSpec): boolean {
    return "owner" in spec || spec.objectType !== "database";
}

/** The role name PostgreSQL and the provider use for "every role". */
export const PUBLIC_ROLE = "public";

const grantName = (role: string, database: string, schema: string | undefined, objectType: GrantObjectType) =>
    [role, database, schema, objectType].filter((part) => part !== undefined).join("-");

/**
 * PUBLIC's tuples in each database: REVOKE ALL on the database and on `public`, so only the roles
 * granted below may connect or use `public`; and the one thing PUBLIC is given, USAGE on the
 * extensions schema, whose objects (vector) are for everyone who may connect at all (mode roles and
 * readers): one grant instead of one per role, and PUBLIC cannot CONNECT, so no one else gets in.
 */
function publicGrants(layout: Layout): GrantSpec[] {
    return layout.databases.flatMap((database): GrantSpec[] => {
        const spec = (objectType: GrantObjectType, schema: string | undefined, privileges: string[]): GrantSpec => {
            const name = grantName(PUBLIC_ROLE, database, schema, objectType);
            return { name, role: PUBLIC_ROLE, database, schema, objectType, privileges };
        };
        return [spec("database", undefined, []), spec("schema", "public", []), spec("schema", layout.extensionsSchema, ["USAGE"])];
    });
}

/** Grants and default privileges for a layout, merged so each tuple appears once. */
export function planPrivileges(layout: Layout): { grants: GrantSpec[]; defaultPrivileges: DefaultPrivilegeSpec[] } {
    const grants = new Map(publicGrants(layout).map((spec) => [spec.name, spec]));
    const grant = (role: string, database: string, objectType: GrantObjectType, schema: string | undefined, privileges: string[]) => {
        // Defence in depth behind the config rules: PUBLIC gets nothing from here. A mode role
        // named "public" would otherwise merge its grants into PUBLIC's tuple, open to everyone.
        if (role === PUBLIC_ROLE && privileges.length > 0) {
            throw new Error(`refusing to grant ${privileges.join(", ")} on ${objectType} ${schema ?? database} to PUBLIC`);
        }
        const name = grantName(role, database, schema, objectType);
        const existing = grants.get(name);
        const merged = new Set([...(existing?.privileges ?? []), ...privileges]);
        grants.set(name, { name, role, database, schema, objectType, privileges: [...merged].sort() });
    };

    const byName = new Map(layout.modes.map((mode) => [mode.name, mode]));
    const defaultPrivileges: DefaultPrivilegeSpec[] = [];
    for (const mode of layout.modes) {
        // CREATE on the database: the apps run `CREATE SCHEMA IF NOT EXISTS` for schemas they own,
        // which PostgreSQL checks before it looks for the schema. The role's own schemas need no
        // grant: an owner holds every privilege on what it owns.
        grant(mode.role, mode.database, "database", undefined, ["CONNECT", "CREATE", "TEMPORARY"]);
        for (const readerName of mode.readers) {
            const reader = byName.get(readerName);
            if (!reader) {
                throw new Error(`mode ${mode.name}: reader "${readerName}" is not a mode`);
            }
            grant(reader.role, mode.database, "database", undefined, ["CONNECT"]);
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
