/**
 * The type tokens the policies match, as the engine reports them. Strings, not the SDK classes
 * (`validateResourceOfType(postgresql.Role, …)`): loading @pulumi/docker and @pulumi/postgresql would
 * cost the analyzer seconds at every preview. tests/unit/policy-pack.test.ts checks each token
 * against the SDK class's own `__pulumiType`, so a renamed type fails a test, not silently a policy.
 */
export const TYPES = {
    role: "postgresql:index/role:Role",
    grant: "postgresql:index/grant:Grant",
    defaultPrivileges: "postgresql:index/defaultPrivileges:DefaultPrivileges",
    schema: "postgresql:index/schema:Schema",
    extension: "postgresql:index/extension:Extension",
    postgresqlProvider: "pulumi:providers:postgresql",
    container: "docker:index/container:Container",
    remoteImage: "docker:index/remoteImage:RemoteImage",
    /** The root resource: its outputs are the stack outputs. */
    stack: "pulumi:pulumi:Stack",
} as const;
