/**
 * The extension guard (src/stack/model/extension-guard-sql.ts) as a resource: the postgresql provider has no event
 * trigger resource, so a dynamic provider runs the guard's statements as the admin. It needs a
 * superuser (event triggers do); kept on delete like everything in the database.
 */
import * as pulumi from "@pulumi/pulumi";

import { libpqUrl, type SslMode } from "../model/urls";

/** The admin's login into the guarded database. */
export interface GuardConnection {
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    user: pulumi.Input<string>;
    password: pulumi.Input<string>;
    database: pulumi.Input<string>;
    sslmode: pulumi.Input<SslMode>;
    sslrootcert?: pulumi.Input<string>;
}

export interface ExtensionGuardArgs {
    connection: GuardConnection;
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
        const url = pulumi
            .output(args.connection)
            .apply((connection) => libpqUrl({ ...connection, sslrootcert: connection.sslrootcert ?? undefined }));
        super(guardProvider, name, { database: args.connection.database, url: pulumi.secret(url), statements: args.statements }, opts);
    }
}
