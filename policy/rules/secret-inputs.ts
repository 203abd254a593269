/**
 * Credentials the stack hands a resource are secrets too: a role's password, the provider's admin
 * password, the extension guard's admin URL. A plain one would be stored in the state as written.
 * Read from the wire form (policy/wire.ts), where the engine's secret markers survive.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";

import { unsecretCredential } from "../credentials";
import { BLIND, wireOf, wireStrings } from "../wire";

export const credentialInputsAreSecret: ResourceValidationPolicy = {
    name: "credential-inputs-are-secret",
    description: "Every resource input that is a password or URL, or carries one, is a secret.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Pass the value through pulumi.secret(...) or read it with requireSecret.",
    validateResource: (args, reportViolation) => {
        const inputs = wireOf(args.props);
        if (inputs === undefined) {
            reportViolation(BLIND);
            return;
        }
        for (const found of wireStrings(inputs)) {
            const problem = unsecretCredential(found);
            if (problem !== undefined) reportViolation(`${args.name}: input ${problem} but is not a secret`);
        }
    },
};
