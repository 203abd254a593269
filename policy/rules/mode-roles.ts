/**
 * Mode roles hold no cluster-wide power. Every postgresql Role the stack declares is a mode role (the
 * admin it connects as comes from config and is never declared), so the rule applies to every Role.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type * as postgresql from "@pulumi/postgresql";
import type { Unwrap } from "@pulumi/pulumi";

import { TYPE } from "../../src/stack/resources";

type RoleInputs = Partial<Unwrap<postgresql.RoleArgs>>;

/** The provider's input for each attribute, and the attribute as PostgreSQL spells it. */
const FORBIDDEN_ATTRIBUTES: ReadonlyArray<readonly [keyof RoleInputs, string]> = [
    ["superuser", "SUPERUSER"],
    ["createRole", "CREATEROLE"],
    ["createDatabase", "CREATEDB"],
    ["replication", "REPLICATION"],
    ["bypassRowLevelSecurity", "BYPASSRLS"],
];

/** A mode role is an app's login: any of these would let one app reach past its own schemas. */
export const modeRolesLeastPrivilege: ResourceValidationPolicy = {
    name: "mode-roles-least-privilege",
    description: "Mode roles are never SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Set the attribute to false on the postgresql.Role (src/stack/components/hive-database.ts).",
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPE.role) return;
        const role = args.props as RoleInputs;
        const granted = FORBIDDEN_ATTRIBUTES.filter(([input]) => role[input] === true).map(([, attribute]) => attribute);
        if (granted.length > 0) {
            reportViolation(`mode role ${args.name} is ${granted.join(", ")}: a mode role may only log in and use its own schemas`);
        }
    },
};
