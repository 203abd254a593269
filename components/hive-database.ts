import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import type { Layout, ModeLayout } from "../lib/layout";
import type { ServerEndpoint } from "../lib/outputs";
import { planPrivileges, PUBLIC_ROLE } from "../lib/privileges";
import type { SslMode } from "../lib/urls";

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
    /** Databases that already exist: taken over (`import`) instead of failing on CREATE DATABASE. */
    adoptDatabases: string[];
    /**
     * What must be up before the provider connects: the provider connects lazily, so without this
     * the first statement races the container's start.
     */
    serverReady?: pulumi.Input<pulumi.Resource>[];
}

/** Data-bearing objects: a destroy or a replacement leaves them in the server. */
const KEEP_DATA = { retainOnDelete: true };

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
        const { connection, layout } = args;

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
        const childOpts = { parent: this, provider: this.provider };

        for (const database of layout.databases) {
            this.createDatabase(name, database, layout, args.adoptDatabases.includes(database), childOpts);
        }
        for (const mode of layout.modes) {
            this.createRole(name, mode, args.rolePasswords[mode.name], childOpts);
            for (const schema of mode.schemas) {
                this.createSchema(name, mode.database, schema, this.roles[mode.name], childOpts);
            }
        }
        this.createPrivileges(name, layout, childOpts);
        this.registerOutputs({ roles: this.roles, databases: this.databases });
    }

    private createDatabase(name: string, database: string, layout: Layout, adopt: boolean, opts: pulumi.CustomResourceOptions) {
        const db = new postgresql.Database(
            `${name}-db-${database}`,
            { name: database },
            { ...opts, ...KEEP_DATA, protect: true, import: adopt ? database : undefined },
        );
        this.databases[database] = db.name;
        // Extensions live in their own schema so a role that sees no other mode's schema can still use `vector`.
        const extensionsSchema = this.createSchema(name, database, layout.extensionsSchema, undefined, opts);
        for (const extension of layout.extensions) {
            new postgresql.Extension(
                `${name}-ext-${database}-${extension}`,
                { name: extension, database: db.name, schema: extensionsSchema.name },
                { ...opts, ...KEEP_DATA },
            );
        }
    }

    private createRole(name: string, mode: ModeLayout, password: pulumi.Input<string>, opts: pulumi.CustomResourceOptions) {
        if (password === undefined) {
            throw new Error(`no password was generated for mode ${mode.name}`);
        }
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
            // The role owns the mode's schemas and tables in other databases than the provider's;
            // its delete (REASSIGN/DROP OWNED there, then DROP ROLE) would fail, so it is kept.
            { ...opts, ...KEEP_DATA },
        );
        this.roleResources.set(mode.role, role);
        this.roles[mode.name] = role.name;
    }

    /** A schema in a managed database, owned by `owner` (the admin when undefined). */
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
            { ...opts, ...KEEP_DATA },
        );
        this.schemas.set(`${database}.${schema}`, resource);
        return resource;
    }

    private createPrivileges(name: string, layout: Layout, opts: pulumi.CustomResourceOptions) {
        // Outputs of the role and schema resources, not plain names, so each grant waits for them.
        const roleRef = (role: string) => (role === PUBLIC_ROLE ? PUBLIC_ROLE : (this.roleResources.get(role)?.name ?? role));
        const schemaRef = (database: string, schema: string) => this.schemas.get(`${database}.${schema}`)?.name ?? schema;
        const { grants, defaultPrivileges } = planPrivileges(layout);
        for (const grant of grants) {
            new postgresql.Grant(
                `${name}-grant-${grant.name}`,
                {
                    role: roleRef(grant.role),
                    database: this.databases[grant.database],
                    schema: grant.schema === undefined ? undefined : schemaRef(grant.database, grant.schema),
                    objectType: grant.objectType,
                    privileges: grant.privileges,
                },
                // A changed grant tuple must be revoked before it is granted again.
                { ...opts, deleteBeforeReplace: true },
            );
        }
        for (const defaults of defaultPrivileges) {
            new postgresql.DefaultPrivileges(
                `${name}-defaults-${defaults.name}`,
                {
                    owner: roleRef(defaults.owner),
                    role: roleRef(defaults.role),
                    database: this.databases[defaults.database],
                    schema: schemaRef(defaults.database, defaults.schema),
                    objectType: defaults.objectType,
                    privileges: defaults.privileges,
                },
                { ...opts, deleteBeforeReplace: true },
            );
        }
    }
}
