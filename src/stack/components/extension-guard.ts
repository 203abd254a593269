/**
 * The extension guard (src/stack/model/extension-guard-sql.ts) as a resource: the postgresql provider has no event
 * trigger resource, so a dynamic provider runs the guard's statements as the admin. It needs an
 * admin who may create event triggers (a superuser, or RDS's and Cloud SQL's platform roles); kept
 * on delete like everything in the database.
 */
import * as pulumi from "@pulumi/pulumi";

import { libpqUrl } from "../model/urls";
import type { AdminConnectionArgs } from "./admin-connection";

export interface ExtensionGuardArgs {
    /** The admin's login (one who may create event triggers: a superuser, or a managed service's admin). */
    connection: Omit<AdminConnectionArgs, "maintenanceDatabase" | "profile">;
    /** The guarded database. */
    database: pulumi.Input<string>;
    /** What installs or refreshes the guard, in order (src/stack/model/extension-guard-sql.ts). */
    statements: pulumi.Input<string[]>;
}

interface GuardInputs {
    database: string;
    /** The admin's libpq URL (a secret): TLS exactly as sslmode and sslrootcert say. */
    url: string;
    statements: string[];
}

/** Runs in the language host at deploy time; self-contained because Pulumi serializes it into the state. */
const guardProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: GuardInputs, news: GuardInputs) {
        return { changes: JSON.stringify(olds.statements) !== JSON.stringify(news.statements) || olds.database !== news.database };
    },
    async create(inputs: GuardInputs) {
        await guardProvider.update?.("", inputs, inputs);
        return { id: inputs.database, outs: inputs };
    },
    async update(_id: string, _olds: GuardInputs, news: GuardInputs) {
        const { Client } = require("pg");
        const { parse, toClientConfig } = require("pg-connection-string");
        const client = new Client({ ...toClientConfig(parse(news.url, { useLibpqCompat: true })), connectionTimeoutMillis: 30_000 });
        await client.connect();
        try {
            await client.query("BEGIN");
            for (const statement of news.statements) await client.query(statement);
            await client.query("COMMIT");
        } finally {
            await client.end();
        }
        return { outs: news };
    },
};

/** The guard in one database; kept on delete like everything in the database. */
export class ExtensionGuard extends pulumi.dynamic.Resource {
    constructor(name: string, args: ExtensionGuardArgs, opts?: pulumi.CustomResourceOptions) {
        const { host, port, username, password, sslmode, sslrootcert } = args.connection;
        const url = pulumi
            .all([host, port, username, password, args.database, sslmode, sslrootcert])
            .apply(([host, port, user, password, database, sslmode, sslrootcert]) =>
                libpqUrl({ host, port, user, password, database, sslmode, sslrootcert }),
            );
        super(guardProvider, name, { database: args.database, url: pulumi.secret(url), statements: args.statements }, opts);
    }
}
