/**
 * Every stack output that is or carries a credential (connection URLs, passwords, `.env` bodies, API
 * keys) is a Pulumi secret, so `pulumi stack output`, the state and CI logs show it encrypted or
 * masked. A stack policy sees the root `pulumi:pulumi:Stack` resource with the program's outputs,
 * secret markers included (the engine finalizes the outputs before it runs stack policies, preview
 * or update); policy/wire.ts recovers the markers @pulumi/policy would drop.
 */
import type { StackValidationPolicy } from "@pulumi/policy";

import { unsecretCredential } from "../credentials";
import { TYPE } from "../../src/stack/resources";
import { BLIND, wireOf, wireStrings } from "../wire";

export const credentialOutputsAreSecret: StackValidationPolicy = {
    name: "credential-outputs-are-secret",
    description: "Every stack output that holds a URL with a password, a password, an API key or a .env body is a secret.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Export the value with pulumi.secret(...) (index.ts, src/stack/model/outputs.ts SECRET_OUTPUT_KEYS).",
    validateStack: (args, reportViolation) => {
        for (const stack of args.resources.filter((resource) => resource.type === TYPE.stack)) {
            const outputs = wireOf(stack.props);
            if (outputs === undefined) {
                reportViolation(BLIND, stack.urn);
                continue;
            }
            for (const found of wireStrings(outputs)) {
                const problem = unsecretCredential(found);
                if (problem !== undefined) reportViolation(`stack output ${problem} but is not a secret`, stack.urn);
            }
        }
    },
};
