/**
 * What CrossGuard can check of "data-bearing resources are retained on delete".
 *
 * `retainOnDelete` itself never reaches a policy: the analyzer protocol's AnalyzerResourceOptions
 * (pulumi/proto/analyzer.proto; @pulumi/policy's PolicyResourceOptions) carries protect, ignoreChanges,
 * deleteBeforeReplace, aliases, timeouts and parent, and nothing else. The stack's own unit tests
 * check retainOnDelete on every data-bearing resource (tests/unit/lifecycle.test.ts, "destroy keeps
 * the data"). What a policy can see is the second line of defence: should a schema or an extension
 * ever be deleted for real, `dropCascade` decides whether the tables in it (or the columns of its
 * types, `vector`) go with it. Without CASCADE, PostgreSQL refuses to drop a schema that holds
 * anything, so the delete fails and the data stays.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type * as postgresql from "@pulumi/postgresql";
import type { Unwrap } from "@pulumi/pulumi";

import { TYPE } from "../../src/stack/resources";

type DroppableInputs = Partial<Pick<Unwrap<postgresql.SchemaArgs>, "dropCascade"> & Pick<Unwrap<postgresql.ExtensionArgs>, "dropCascade">>;

const DROPPABLE: ReadonlySet<string> = new Set([TYPE.schema, TYPE.extension]);

export const noCascadingDrops: ResourceValidationPolicy = {
    name: "no-cascading-drops",
    description: "Schemas and extensions never drop what depends on them (dropCascade), so a delete cannot take data with it.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Remove dropCascade (or set it to false); keep the resource retainOnDelete.",
    validateResource: (args, reportViolation) => {
        if (!DROPPABLE.has(args.type)) return;
        if ((args.props as DroppableInputs).dropCascade === true) {
            const kind = args.type === TYPE.schema ? "schema" : "extension";
            reportViolation(`${kind} ${args.name} has dropCascade: deleting it would drop every table (or column) that depends on it`);
        }
    },
};
