/**
 * The extension guard (lib/extension-guard.ts) as a resource: the postgresql provider has no event
 * trigger resource, so a dynamic provider runs the guard's statements as the admin. It needs a
 * superuser (event triggers do); kept on delete like everything in the database.
 */
import * as pulumi from "@pulumi/pulumi";

export interface GuardConnection {
    host: string;
    port: number;
    user: string;
    password: pulumi.Input<string>;
    database: pulumi.Input<string>;
    sslmode: string;
}

interface GuardInputs {
    connection: Omit<GuardConnection, "password" | "database"> & { password: string; database: string };
    statements: string[];
}

/** Runs in the language host at deploy time; self-contained because Pulumi serializes it into the state. */
const guardProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: GuardInputs, news: GuardInputs) {
        const changes =
            JSON.stringify(olds.statements) !== JSON.stringify(news.statements) || olds.connection.database !== news.connection.database;
        return { changes };
    },
    async create(inputs: GuardInputs) {
        await guardProvider.update?.("", inputs, inputs);
        return { id: inputs.connection.database, outs: inputs };
    },
    async update(_id: string, _olds: GuardInputs, news: GuardInputs) {
        const { Client } = require("pg");
        const { connection } = news;
        const ssl = ["require", "verify-ca", "verify-full"].includes(connection.sslmode)
            ? { rejectUnauthorized: connection.sslmode !== "require" }
            : false;
        const client = new Client({ ...connection, ssl, connectionTimeoutMillis: 30_000 });
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

export class ExtensionGuard extends pulumi.dynamic.Resource {
    constructor(name: string, args: { connection: GuardConnection; statements: string[] }, opts?: pulumi.CustomResourceOptions) {
        super(
            guardProvider,
            name,
            { connection: { ...args.connection, password: pulumi.secret(args.connection.password) }, statements: args.statements },
            opts,
        );
    }
}
