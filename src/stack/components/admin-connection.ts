import type * as pulumi from "@pulumi/pulumi";

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
     * False for managed servers whose admin is not a true superuser. Decides which resources exist
     * (the extension guard needs a superuser), so it is a plain value. @default true
     */
    superuser: boolean;
}
