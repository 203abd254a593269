/**
 * The database layer as data: every database, schema, extension, extension guard, role, grant and
 * default privilege the stack declares for a layout. HiveDatabase declares one resource per entry and
 * plan-sql.ts renders the same entries as SQL (the real-server tests and the benchmark's hand flow),
 * so the SQL the tests trust cannot drift from what `pulumi up` does.
 */
import type { Layout, ModeLayout } from "./layout";
import { type DefaultPrivilegeSpec, type GrantSpec, planPrivileges } from "./privileges";

export interface SchemaSpec {
    database: string;
    schema: string;
    /** The owning mode's role; undefined: the admin (the extensions schema). */
    owner?: string;
}

export interface ExtensionSpec {
    database: string;
    extension: string;
    /** The shared extensions schema it is created in. */
    schema: string;
}

export interface GuardSpec {
    database: string;
    /** Where the guard's function lives: the extensions schema. */
    schema: string;
    /** The admin it lets create extensions (besides superusers). */
    admin: string;
}

export interface DatabasePlan {
    /** Every managed database, the main one first. */
    databases: string[];
    /** Per database its extensions schema first, then each mode's schemas. */
    schemas: SchemaSpec[];
    extensions: ExtensionSpec[];
    /** One per database where the admin may create event triggers (the profile says so); none otherwise. */
    guards: GuardSpec[];
    roles: ModeLayout[];
    grants: GrantSpec[];
    defaultPrivileges: DefaultPrivilegeSpec[];
}

export function planDatabaseLayer(layout: Layout, options: { guard: boolean }): DatabasePlan {
    const { databases, extensionsSchema, modes } = layout;
    const schemas = databases.flatMap((database): SchemaSpec[] => [
        { database, schema: extensionsSchema },
        ...modes
            .filter((mode) => mode.database === database)
            .flatMap((mode) => mode.schemas.map((schema) => ({ database, schema, owner: mode.role }))),
    ]);
    const { grants, defaultPrivileges } = planPrivileges(layout);
    return {
        databases: [...databases],
        schemas,
        extensions: databases.flatMap((database) =>
            layout.extensions.map((extension) => ({ database, extension, schema: extensionsSchema })),
        ),
        guards: options.guard ? databases.map((database) => ({ database, schema: extensionsSchema, admin: layout.adminUser })) : [],
        roles: [...modes],
        grants,
        defaultPrivileges,
    };
}
