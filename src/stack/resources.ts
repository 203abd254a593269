/**
 * The program's resources by name and type: one home for every logical name and type token. Names
 * are an external contract (renaming one makes Pulumi replace the resource), so components, the
 * commands that read the state, and the tests all take them from here.
 */

/** Type tokens: the stack's own components, and the provider resources it declares. */
export const TYPE = {
    postgresContainer: "hive-db:docker:PostgresContainer",
    hiveDatabase: "hive-db:postgresql:HiveDatabase",
    credentials: "hive-db:random:Credentials",
    stack: "pulumi:pulumi:Stack",
    dockerProvider: "pulumi:providers:docker",
    image: "docker:index/remoteImage:RemoteImage",
    /** The stack's network (docker-network.ts): a dynamic resource, as the extension guard is. */
    network: "pulumi-nodejs:dynamic:Resource",
    /** The docker provider's Network, which earlier versions declared (an alias of the network now). */
    legacyNetwork: "docker:index/network:Network",
    volume: "docker:index/volume:Volume",
    container: "docker:index/container:Container",
    postgresqlProvider: "pulumi:providers:postgresql",
    database: "postgresql:index/database:Database",
    schema: "postgresql:index/schema:Schema",
    extension: "postgresql:index/extension:Extension",
    role: "postgresql:index/role:Role",
    grant: "postgresql:index/grant:Grant",
    defaultPrivileges: "postgresql:index/defaultPrivileges:DefaultPrivileges",
    randomProvider: "pulumi:providers:random",
    randomPassword: "random:index/randomPassword:RandomPassword",
    extensionGuard: "pulumi-nodejs:dynamic:Resource",
} as const;

/** The top-level components index.ts declares. */
export const COMPONENT = {
    credentials: "hive-credentials",
    container: "hive-postgres",
    database: "hive-database",
} as const;

/** Children of PostgresContainer, named after their parent. */
export const containerChild = {
    provider: (parent: string) => `${parent}-docker`,
    image: (parent: string) => `${parent}-image`,
    network: (parent: string) => `${parent}-network`,
    volume: (parent: string) => `${parent}-data`,
    container: (parent: string) => `${parent}-container`,
};

/** Children of HiveDatabase, named after their parent and what they stand for. */
export const databaseChild = {
    provider: (parent: string) => `${parent}-provider`,
    database: (parent: string, database: string) => `${parent}-db-${database}`,
    schema: (parent: string, database: string, schema: string) => `${parent}-schema-${database}-${schema}`,
    extension: (parent: string, database: string, extension: string) => `${parent}-ext-${database}-${extension}`,
    guard: (parent: string, database: string) => `${parent}-guard-${database}`,
    role: (parent: string, mode: string) => `${parent}-role-${mode}`,
    grant: (parent: string, grant: string) => `${parent}-grant-${grant}`,
    defaultPrivileges: (parent: string, name: string) => `${parent}-defaults-${name}`,
};

/** Children of Credentials. */
export const credentialsChild = {
    provider: (parent: string) => `${parent}-random`,
    seed: (parent: string) => `${parent}-seed`,
};

/** The URN of the stack's container, for a targeted refresh: `urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>`. */
export function containerUrn(stack: string, project: string): string {
    const type = `${TYPE.postgresContainer}$${TYPE.container}`;
    return `urn:pulumi:${stack}::${project}::${type}::${containerChild.container(COMPONENT.container)}`;
}
