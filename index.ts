/**
 * hive-db: the shared PostgreSQL (pgvector) for every Automagik Hive mode.
 * Reads config, composes the components, exports what app deploys consume (src/stack/model/outputs.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { existingObjects } from "./src/stack/program/existing-objects";
import { Credentials } from "./src/stack/components/credentials";
import { HiveDatabase } from "./src/stack/components/hive-database";
import { serverFor } from "./src/stack/program/server";
import { parseConfig } from "./src/stack/config";
import { resolveLayout } from "./src/stack/model/layout";
import { publicOutputs, SECRET_OUTPUT_KEYS, secretOutputs } from "./src/stack/model/outputs";
import { readStackConfig } from "./src/stack/config/engine-config";
import { COMPONENT } from "./src/stack/resources";
import { refuseMajorVersionChange } from "./src/stack/program/major-version";

// Validation runs as the program loads, before any resource is registered: bad config fails with
// every problem listed, as a RunError, which the CLI prints as its message alone. (Thrown from the
// async body below instead, the SDK would hold the failed run open for about 15 s.)
const { values, secretKeys } = readStackConfig();
const config = parseConfig(values, secretKeys);
const layout = resolveLayout(config);
// An image of another major version than the data's would never start: refused here too, before anything is registered.
refuseMajorVersionChange(config);

export = async () => {
    const server = await serverFor(config);
    // An existing server is probed before anything is registered: a certificate the config does not
    // trust or a profile the server does not live up to stops `up` with nothing changed, the state
    // included. The stack's own container must be up before it can be probed.
    const probedFirst = server.ready.length === 0 ? await existingObjects(server, layout, config.adoptDatabases) : undefined;
    const credentials = new Credentials(COMPONENT.credentials, { modes: layout.modes });
    const database = new HiveDatabase(COMPONENT.database, {
        connection: server.login,
        layout,
        rolePasswords: credentials.rolePasswords,
        existing: probedFirst ?? (await existingObjects(server, layout, config.adoptDatabases)),
        serverReady: server.ready,
    });

    // URLs carry the role passwords: exported once the roles exist, as secrets.
    const secrets = pulumi
        .all([pulumi.output(credentials.rolePasswords), pulumi.output(credentials.apiKeys), pulumi.output(database.roles)])
        .apply(([passwords, apiKeys]) => secretOutputs(layout, server.endpoint, { passwords, apiKeys }));
    const secretExports = Object.fromEntries(SECRET_OUTPUT_KEYS.map((key) => [key, pulumi.secret(secrets.apply((all) => all[key]))]));
    return { ...publicOutputs(layout, server.endpoint, server.docker), ...secretExports };
};
