/**
 * PUBLIC (every role on the server, present and future) gets nothing but USAGE on the schema that
 * holds the extensions, so any role that may connect at all can use `vector`. That schema is read
 * from the stack's own Extension resources, not from config: the rule follows the extensions
 * wherever the layout puts them. A stack policy, because a Grant alone does not say which schema
 * holds them.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import type * as postgresql from "@pulumi/postgresql";
import type { Unwrap } from "@pulumi/pulumi";

import { PUBLIC_ROLE } from "../../src/stack/model/privileges";
import { TYPE } from "../../src/stack/resources";

type GrantProps = Partial<Unwrap<postgresql.GrantArgs>>;
type ExtensionProps = Partial<Unwrap<postgresql.ExtensionArgs>>;

/** The one privilege PUBLIC may hold, and only on an extensions schema. */
const PUBLIC_PRIVILEGE = "USAGE";

const schemaKey = (database: string | undefined, schema: string | undefined) => `${database ?? ""}.${schema ?? ""}`;

/** `database.schema` of every schema an Extension of the stack lives in. */
function extensionSchemas(resources: PolicyResource[]): Set<string> {
    return new Set(
        resources
            .filter((resource) => resource.type === TYPE.extension)
            .map((resource) => resource.props as ExtensionProps)
            .map((extension) => schemaKey(extension.database, extension.schema)),
    );
}

function allowedForPublic(resource: PolicyResource, grant: GrantProps, privileges: string[], allowedSchemas: Set<string>): boolean {
    if (privileges.length === 0) return true; // a REVOKE ALL
    return (
        resource.type === TYPE.grant &&
        grant.objectType === "schema" &&
        allowedSchemas.has(schemaKey(grant.database, grant.schema)) &&
        privileges.every((privilege) => privilege.toUpperCase() === PUBLIC_PRIVILEGE)
    );
}

function describeTarget(grant: GrantProps): string {
    const where = [grant.database, grant.schema].filter((part) => part !== undefined).join(".");
    return `${grant.objectType ?? "object"} ${where}`;
}

export const publicGetsOnlyExtensionsUsage: StackValidationPolicy = {
    name: "public-gets-only-extensions-usage",
    description: "Nothing is granted to PUBLIC beyond USAGE on the schema that holds the extensions.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Grant the privilege to the mode roles that need it, not to PUBLIC (src/stack/model/privileges.ts).",
    validateStack: (args, reportViolation) => {
        const allowedSchemas = extensionSchemas(args.resources);
        for (const resource of args.resources) {
            if (resource.type !== TYPE.grant && resource.type !== TYPE.defaultPrivileges) continue;
            const grant = resource.props as GrantProps;
            if (grant.role?.toLowerCase() !== PUBLIC_ROLE) continue;
            const privileges = grant.privileges ?? [];
            if (allowedForPublic(resource, grant, privileges, allowedSchemas)) continue;
            const kind = resource.type === TYPE.grant ? "grants" : "by default grants";
            reportViolation(
                `${resource.name} ${kind} ${privileges.join(", ")} on ${describeTarget(grant)} to PUBLIC, which may only USE the extensions schema`,
                resource.urn,
            );
        }
    },
};
