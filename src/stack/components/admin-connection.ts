import type * as pulumi from "@pulumi/pulumi";

import type { ServerProfile } from "../model/server-profiles";
import type { SslMode } from "../model/urls";

/** How the database layer (the provider, the extension guard) logs in as the admin. */
export interface AdminConnectionArgs {
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    username: pulumi.Input<string>;
    password: pulumi.Input<string>;
    /** `disable` for the local container (the provider's default `require` fails there). */
    sslmode: pulumi.Input<SslMode>;
    /** Root certificate file, or `system`; with `verify-full` the server's name is checked too. */
    sslrootcert?: pulumi.Input<string>;
    /** Database the provider connects to for server-wide statements. @default "postgres" */
    maintenanceDatabase: pulumi.Input<string>;
    /**
     * What kind of server it is (src/stack/model/server-profiles.ts). Decides which resources exist
     * (the extension guard, where the profile's admin may create event triggers), so it is a plain
     * value. @default "superuser"
     */
    profile: ServerProfile;
}
