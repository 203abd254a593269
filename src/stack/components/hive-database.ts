import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import { extensionGuardSql } from "../model/extension-guard-sql";
import type { Layout, ModeLayout } from "../model/layout";
import type { ServerEndpoint } from "../model/outputs";
import { ExtensionGuard } from "./extension-guard";
import {
    type DefaultPrivilegeSpec,
    type GrantSpec,
    needsOrdering,
    planPrivileges,
    privilegeObject,
    PUBLIC_ROLE,
} from "../model/privileges";
import type { SslMode } from "../model/urls";

/** How the provider logs in: the server's endpoint plus admin credentials. */
export interface AdminLogin extends ServerEndpoint {
    username: string;
    password: pulumi.Input<string>;
    /** `disable` for the local container (the provider's default `require` fails there). */
    sslmode: SslMode;
    /** Database the provider connects to for server-wide statements. @default "postgres" */
    maintenanceDatabase: string;
    /** False for managed servers whose admin is not a true superuser. @default true */
    superuser: boolean;
}

export interface HiveDatabaseArgs {
    connection: AdminLogin;
    layout: Layout;
    /** Role password per mode name. */
    rolePasswords: Record<string, pulumi.Input<string>>;
    /** Databases and roles already on the server: taken over (`import`) instead of failing on CREATE. */
    existing: { databases: ReadonlySet<string>; roles: ReadonlySet<string> };
    /**
     * What must be up before the provider connects: the provider connects lazily, so without this
     * the first statement races the container's start.
     */
    serverReady?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Databases, schemas, extensions and roles hold (or own) the data, which the stack never deletes:
 * `pulumi destroy` (or removing a mode from config) leaves them in place, and a later `up` takes them
 * over again. Deleting data is an explicit act (README, Lifecycle). Grants are not kept: deleting
 * one revokes it, so a reader taken out of config, or a mode moved to another database, loses the
 * access it had; the next `up` grants again whatever the config still says.
 */
const KEEP = { retainOnDelete: true };

/**
 * The `hive` database layer: databases, the shared extensions schema, and per mode a schema set, a
 * least-privilege LOGIN role, grants and default privileges. Runs unchanged against the stack's
 * container or any existing server.
 */
export class HiveDatabase extends pulumi.ComponentResource {
    public readonly provider: postgresql.Provider;
    /** Role name per mode. */
    public readonly roles: Record<string, pulumi.Output<string>> = {};
    /** Database name per managed database. */
    public readonly databases: Record<string, pulumi.Output<string>> = {};

    private readonly schemas = new Map<string, postgresql.Schema>();
    private readonly roleResources = new Map<string, postgresql.Role>();

    constructor(name: string, args: HiveDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hive-db:postgresql:HiveDatabase", name, {}, opts);
        const { connection, layout, existing } = args;
        this.provider = new postgresql.Provider(
            `${name}-provider`,
            {
                host: connection.host,
                port: connection.port,
                username: connection.username,
                password: connection.password,
                database: connection.maintenanceDatabase,
                sslmode: connection.sslmode,
                sslrootcert: connection.sslrootcert,
                superuser: connection.superuser,
                connectTimeout: 30,
            },
            { parent: this, dependsOn: args.serverReady },
        );
        const childOpts = { parent: this, provider: this.provider, ...KEEP };

        for (const database of layout.databases) {
            const ready = this.createDatabase(name, database, layout, existing.databases.has(database), childOpts);
            // Event triggers need a superuser: a managed server's admin gets no guard (docs/security.md).
            if (connection.superuser) this.createGuard(name, database, layout, connection, ready);
        }
        for (const mode of layout.modes) {
            this.createRole(name, mode, args.rolePasswords[mode.name], existing.roles.has(mode.role), childOpts);
            for (const schema of mode.schemas) {
                this.createSchema(name, mode.database, schema, this.roles[mode.name], childOpts);
            }
        }
        this.createPrivileges(name, layout, { parent: this, provider: this.provider });
        this.registerOutputs({ roles: this.roles, databases: this.databases });
    }

    /** The database, its extensions schema and extensions; returns what the extension guard must wait for. */
    private createDatabase(name: string, database: string, layout: Layout, exists: boolean, opts: pulumi.CustomResourceOptions) {
        const db = new postgresql.Database(
            `${name}-db-${database}`,
            { name: database },
            { ...opts, import: exists ? database : undefined },
        );
        this.databases[database] = db.name;
        // Extensions live in their own schema so a role that sees no other mode's schema can still use `vector`.
        const extensionsSchema = this.createSchema(name, database, layout.extensionsSchema, undefined, opts);
        layout.extensions.forEach(
            (extension) =>
                new postgresql.Extension(
                    `${name}-ext-${database}-${extension}`,
                    { name: extension, database: db.name, schema: extensionsSchema.name },
                    opts,
                ),
        );
        // The guard's function lives in the extensions schema; it need not wait for the extensions
        // (the admin who creates them is a superuser, whom the guard lets through).
        return [extensionsSchema];
    }

    /** Refuses CREATE EXTENSION to the mode roles in this database (src/stack/model/extension-guard-sql.ts). */
    private createGuard(name: string, database: string, layout: Layout, connection: AdminLogin, after: pulumi.Resource[]) {
        new ExtensionGuard(
            `${name}-guard-${database}`,
            {
                connection: {
                    host: connection.host,
                    port: connection.port,
                    user: connection.username,
                    password: connection.password,
                    database: this.databases[database],
                    sslmode: connection.sslmode,
                    sslrootcert: connection.sslrootcert,
                },
                statements: extensionGuardSql(layout.extensionsSchema),
            },
            { parent: this, dependsOn: after, ...KEEP },
        );
    }

    private createRole(
        name: string,
        mode: ModeLayout,
        password: pulumi.Input<string>,
        exists: boolean,
        opts: pulumi.CustomResourceOptions,
    ) {
        const role = new postgresql.Role(
            `${name}-role-${mode.name}`,
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

    /** A schema in a managed database, owned by `owner` (the admin when undefined); an existing one is adopted. */
    private createSchema(
        name: string,
        database: string,
        schema: string,
        owner: pulumi.Input<string> | undefined,
        opts: pulumi.CustomResourceOptions,
    ) {
        const resource = new postgresql.Schema(
            `${name}-schema-${database}-${schema}`,
            { name: schema, database: this.databases[database], owner, dropCascade: false },
            opts,
        );
        this.schemas.set(`${database}.${schema}`, resource);
        return resource;
    }

    /** The role resource's name output (so a grant waits for its role), or PUBLIC. */
    private roleRef(role: string): pulumi.Input<string> {
        if (role === PUBLIC_ROLE) return PUBLIC_ROLE;
        const resource = this.roleResources.get(role);
        if (resource === undefined) throw new Error(`the privilege plan names role ${role}, which no mode declares`);
        return resource.name;
    }

    private schemaRef(database: string, schema: string): pulumi.Input<string> {
        return this.schemas.get(`${database}.${schema}`)?.name ?? schema;
    }

    /**
     * Grants and default privileges in plan order, each waiting for the previous one on the same
     * catalog object: PostgreSQL fails concurrent ACL updates of one object ("tuple concurrently
     * updated"), and the provider only locks per role (and per database for database grants,
     * which therefore need no order of ours: src/stack/model/privileges.ts needsOrdering).
     */
    private createPrivileges(name: string, layout: Layout, opts: pulumi.CustomResourceOptions) {
        const lastOnObject = new Map<string, pulumi.Resource>();
        const serialized = (spec: GrantSpec | DefaultPrivilegeSpec, create: (dependsOn: pulumi.Resource[]) => pulumi.Resource) => {
            if (!needsOrdering(spec)) return void create([]);
            const key = privilegeObject(spec);
            const previous = lastOnObject.get(key);
            lastOnObject.set(key, create(previous ? [previous] : []));
        };
        const { grants, defaultPrivileges } = planPrivileges(layout);
        for (const grant of grants) {
            serialized(grant, (dependsOn) => this.createGrant(name, grant, { ...opts, dependsOn }));
        }
        for (const defaults of defaultPrivileges) {
            serialized(defaults, (dependsOn) => this.createDefaultPrivileges(name, defaults, { ...opts, dependsOn }));
        }
    }

    private createGrant(name: string, grant: GrantSpec, opts: pulumi.CustomResourceOptions): postgresql.Grant {
        return new postgresql.Grant(
            `${name}-grant-${grant.name}`,
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

    private createDefaultPrivileges(name: string, defaults: DefaultPrivilegeSpec, opts: pulumi.CustomResourceOptions) {
        return new postgresql.DefaultPrivileges(
            `${name}-defaults-${defaults.name}`,
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
