import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";

import { type DatabasePlan, type ExtensionSpec, type GuardSpec, planDatabaseLayer, type SchemaSpec } from "../model/database-plan";
import { extensionGuardSql } from "../model/extension-guard-sql";
import type { Layout, ModeLayout } from "../model/layout";
import { type DefaultPrivilegeSpec, type GrantSpec, needsOrdering, privilegeObject, PUBLIC_ROLE } from "../model/privileges";
import { PROFILE_TRAITS } from "../model/server-profiles";
import { databaseChild, TYPE } from "../resources";
import type { AdminConnectionArgs } from "./admin-connection";
import { ExtensionGuard } from "./extension-guard";

export interface HiveDatabaseArgs {
    connection: AdminConnectionArgs;
    /** Databases, modes, schemas, readers: they decide which resources exist, so plain values. */
    layout: Layout;
    /** Role password per mode name. */
    rolePasswords: Record<string, pulumi.Input<string>>;
    /** Databases and roles already on the server: taken over (`import`) instead of failing on CREATE. */
    existing: { databases: ReadonlySet<string>; roles: ReadonlySet<string> };
    /**
     * What must be up before the provider connects: the provider connects lazily, so without this
     * the first statement races the container's start. @default [] (an existing server)
     */
    serverReady?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Databases, schemas, extensions and roles hold (or own) the data, which the stack never deletes:
 * `pulumi destroy` (or removing a mode from config) leaves them in place, and a later `up` takes them
 * over again. Deleting data is an explicit act (docs/lifecycle.md). Grants are not kept: deleting
 * one revokes it, so a reader taken out of config, or a mode moved to another database, loses the
 * access it had; the next `up` grants again whatever the config still says.
 */
const KEEP = { retainOnDelete: true };

/**
 * The `hive` database layer: databases, the shared extensions schema, and per mode a schema set, a
 * least-privilege LOGIN role, grants and default privileges; one resource per entry of the layout's
 * database plan (src/stack/model/database-plan.ts). Runs unchanged against the stack's container or
 * any existing server.
 */
export class HiveDatabase extends pulumi.ComponentResource {
    public readonly provider: postgresql.Provider;
    /** Role name per mode, known once the role exists. */
    public readonly roles: Record<string, pulumi.Output<string>> = {};
    /** Database name per managed database, known once the database exists. */
    public readonly databases: Record<string, pulumi.Output<string>> = {};

    private readonly schemas = new Map<string, postgresql.Schema>();
    private readonly roleResources = new Map<string, postgresql.Role>();

    constructor(
        private readonly resourceName: string,
        args: HiveDatabaseArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(TYPE.hiveDatabase, resourceName, {}, opts);
        const { connection, existing } = args;
        this.provider = new postgresql.Provider(
            databaseChild.provider(resourceName),
            {
                host: connection.host,
                port: connection.port,
                username: connection.username,
                password: connection.password,
                database: connection.maintenanceDatabase,
                sslmode: connection.sslmode,
                sslrootcert: connection.sslrootcert,
                // Off for a managed admin: the provider then skips what needs a superuser (reading role passwords back).
                superuser: connection.profile === "superuser",
                connectTimeout: 30,
            },
            { parent: this, dependsOn: args.serverReady },
        );
        const plan = planDatabaseLayer(args.layout, { guard: PROFILE_TRAITS[connection.profile].protection === "guard" });
        const childOpts = { parent: this, provider: this.provider, ...KEEP };

        plan.databases.forEach((database) => this.createDatabase(database, existing.databases.has(database), childOpts));
        plan.roles.forEach((mode) => this.createRole(mode, args.rolePasswords[mode.name], existing.roles.has(mode.role), childOpts));
        plan.schemas.forEach((schema) => this.createSchema(schema, childOpts));
        plan.extensions.forEach((extension) => this.createExtension(extension, childOpts));
        plan.guards.forEach((guard) => this.createGuard(guard, connection));
        this.createPrivileges(plan, { parent: this, provider: this.provider });
        this.registerOutputs({ roles: this.roles, databases: this.databases });
    }

    private createDatabase(database: string, exists: boolean, opts: pulumi.CustomResourceOptions) {
        const resource = new postgresql.Database(
            databaseChild.database(this.resourceName, database),
            { name: database },
            { ...opts, import: exists ? database : undefined },
        );
        this.databases[database] = resource.name;
    }

    private createRole(mode: ModeLayout, password: pulumi.Input<string>, exists: boolean, opts: pulumi.CustomResourceOptions) {
        const role = new postgresql.Role(
            databaseChild.role(this.resourceName, mode.name),
            {
                name: mode.role,
                login: true,
                password: pulumi.secret(password),
                superuser: false,
                createDatabase: false,
                createRole: false,
                replication: false,
                bypassRowLevelSecurity: false,
                connectionLimit: mode.connectionLimit,
                searchPaths: mode.searchPath,
            },
            // An existing role (kept by `destroy`) is taken over and given the current password.
            { ...opts, import: exists ? mode.role : undefined },
        );
        this.roleResources.set(mode.role, role);
        this.roles[mode.name] = role.name;
    }

    /** A schema owned by its mode's role (the admin for the extensions schema); an existing one is adopted. */
    private createSchema({ database, schema, owner }: SchemaSpec, opts: pulumi.CustomResourceOptions) {
        const resource = new postgresql.Schema(
            databaseChild.schema(this.resourceName, database, schema),
            {
                name: schema,
                database: this.databases[database],
                owner: owner === undefined ? undefined : this.roleRef(owner),
                dropCascade: false,
            },
            opts,
        );
        this.schemas.set(`${database}.${schema}`, resource);
    }

    /** In the shared extensions schema, so a role that sees no other mode's schema can still use `vector`. */
    private createExtension({ database, extension, schema }: ExtensionSpec, opts: pulumi.CustomResourceOptions) {
        new postgresql.Extension(
            databaseChild.extension(this.resourceName, database, extension),
            { name: extension, database: this.databases[database], schema: this.schemaRef(database, schema) },
            opts,
        );
    }

    /**
     * Refuses CREATE EXTENSION to the mode roles in this database (src/stack/model/extension-guard-sql.ts).
     * Its function lives in the extensions schema; it need not wait for the extensions (the admin who
     * creates them is a superuser or the admin the guard names, whom it lets through).
     */
    private createGuard({ database, schema, admin }: GuardSpec, connection: AdminConnectionArgs) {
        new ExtensionGuard(
            databaseChild.guard(this.resourceName, database),
            { connection, database: this.databases[database], statements: extensionGuardSql(schema, admin) },
            { parent: this, dependsOn: [this.schemaResource(database, schema)], ...KEEP },
        );
    }

    /** The role resource's name output (so a grant waits for its role), or PUBLIC. */
    private roleRef(role: string): pulumi.Input<string> {
        if (role === PUBLIC_ROLE) return PUBLIC_ROLE;
        const resource = this.roleResources.get(role);
        if (resource === undefined) throw new Error(`the database plan names role ${role}, which no mode declares`);
        return resource.name;
    }

    private schemaResource(database: string, schema: string): postgresql.Schema {
        const resource = this.schemas.get(`${database}.${schema}`);
        if (resource === undefined) throw new Error(`the database plan names schema ${database}.${schema}, which it does not declare`);
        return resource;
    }

    /** The schema resource's name (so a grant waits for its schema); `public` and other unmanaged schemas by name. */
    private schemaRef(database: string, schema: string): pulumi.Input<string> {
        return this.schemas.get(`${database}.${schema}`)?.name ?? schema;
    }

    /**
     * Grants and default privileges in plan order, each waiting for the previous one on the same
     * catalog object: PostgreSQL fails concurrent ACL updates of one object ("tuple concurrently
     * updated"), and the provider only locks per role (and per database for database grants,
     * which therefore need no order of ours: src/stack/model/privileges.ts needsOrdering).
     */
    private createPrivileges(plan: DatabasePlan, opts: pulumi.CustomResourceOptions) {
        const lastOnObject = new Map<string, pulumi.Resource>();
        const serialized = (spec: GrantSpec | DefaultPrivilegeSpec, create: (dependsOn: pulumi.Resource[]) => pulumi.Resource) => {
            if (!needsOrdering(spec)) return void create([]);
            const key = privilegeObject(spec);
            const previous = lastOnObject.get(key);
            lastOnObject.set(key, create(previous ? [previous] : []));
        };
        for (const grant of plan.grants) serialized(grant, (dependsOn) => this.createGrant(grant, { ...opts, dependsOn }));
        for (const defaults of plan.defaultPrivileges) {
            serialized(defaults, (dependsOn) => this.createDefaultPrivileges(defaults, { ...opts, dependsOn }));
        }
    }

    private createGrant(grant: GrantSpec, opts: pulumi.CustomResourceOptions): postgresql.Grant {
        return new postgresql.Grant(
            databaseChild.grant(this.resourceName, grant.name),
            {
                role: this.roleRef(grant.role),
                database: this.databases[grant.database],
                schema: grant.schema === undefined ? undefined : this.schemaRef(grant.database, grant.schema),
                objectType: grant.objectType,
                privileges: grant.privileges,
            },
            // A changed grant tuple must be revoked before it is granted again.
            { ...opts, deleteBeforeReplace: true },
        );
    }

    private createDefaultPrivileges(defaults: DefaultPrivilegeSpec, opts: pulumi.CustomResourceOptions) {
        return new postgresql.DefaultPrivileges(
            databaseChild.defaultPrivileges(this.resourceName, defaults.name),
            {
                owner: this.roleRef(defaults.owner),
                role: this.roleRef(defaults.role),
                database: this.databases[defaults.database],
                schema: this.schemaRef(defaults.database, defaults.schema),
                objectType: defaults.objectType,
                privileges: defaults.privileges,
            },
            { ...opts, deleteBeforeReplace: true },
        );
    }
}
