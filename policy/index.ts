/**
 * hive-db's CrossGuard policy pack: `pulumi preview --policy-pack policy` (docs/policy.md).
 * The CLI runs this file in this directory; its modules resolve from the repository's node_modules.
 */
import { PolicyPack } from "@pulumi/policy";

import { PACK_NAME, POLICIES } from "./policies";

new PolicyPack(PACK_NAME, {
    description: "Guard rails for hive-db: what a platform team requires of every stack of it.",
    // Each policy sets its own level; a policy config file can lower or raise any of them.
    enforcementLevel: "mandatory",
    policies: POLICIES,
});
