/**
 * The pack's policies, in the order the CLI lists them. index.ts serves them; the tests import them
 * from here (importing index.ts would start the analyzer's server).
 */
import type { Policies } from "@pulumi/policy";

import { noCascadingDrops } from "./rules/cascading-drops";
import { loopbackBindOnly } from "./rules/loopback-bind";
import { modeRolesLeastPrivilege } from "./rules/mode-roles";
import { imagesArePinned } from "./rules/pinned-images";
import { publicGetsOnlyExtensionsUsage } from "./rules/public-grants";
import { credentialInputsAreSecret } from "./rules/secret-inputs";
import { credentialOutputsAreSecret } from "./rules/secret-outputs";
import { serverConnectionsUseTls } from "./rules/server-tls";

/** The pack's name, as violations show it (`hive-db@v0.1.0`). */
export const PACK_NAME = "hive-db";

export const POLICIES: Policies = [
    modeRolesLeastPrivilege,
    publicGetsOnlyExtensionsUsage,
    loopbackBindOnly,
    credentialOutputsAreSecret,
    credentialInputsAreSecret,
    noCascadingDrops,
    imagesArePinned,
    serverConnectionsUseTls,
];
