/**
 * Which of the stack's databases and roles already exist on the server, so the database layer takes
 * them over (`import`) instead of failing on CREATE: after `pulumi destroy` (which keeps them with the
 * data), after a lost state, or on an existing server. In `up` this waits for the server to be
 * declared and healthy; a server that should answer and does not stops the program with how to
 * repair it, before any database resource is touched. So does, in a preview too, a server the
 * config cannot work with: a certificate the config does not trust, or a profile
 * (`hive-db:server.profile`) the server does not live up to (src/stack/model/server-facts.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import type { Layout } from "../model/layout";
import { serverProblems } from "../model/server-facts";
import { configuredConnectionProblem } from "./connection-failures";
import { currentProbes } from "./probes";
import type { ServerHandle } from "./server";
import { settled } from "./settled";

export interface ExistingObjects {
    databases: ReadonlySet<string>;
    roles: ReadonlySet<string>;
}

const SERVER_START_PATIENCE_SECONDS = 60;

const NOTHING: ExistingObjects = { databases: new Set(), roles: new Set() };

export async function existingObjects(server: ServerHandle, layout: Layout, adoptDatabases: readonly string[]): Promise<ExistingObjects> {
    // Every readiness resource registered: created and healthy in `up`; unknown when a preview will create it.
    const ready = await Promise.all(server.ready.map((resource) => settled(resource.urn)));
    if (ready.some((urn) => urn === undefined)) return NOTHING;
    const password = await settled(pulumi.output(server.login.password));
    if (password === undefined) return NOTHING;

    const { login } = server;
    const wanted = { databases: layout.databases, roles: layout.modes.map((mode) => mode.role) };
    const admin = {
        host: login.host,
        port: login.port,
        user: login.username,
        password,
        database: login.maintenanceDatabase,
        sslmode: login.sslmode,
        sslrootcert: login.sslrootcert,
    };
    // In `up` a server just started or restarted may still be opening its port.
    const inventory = await currentProbes().server(admin, wanted, pulumi.runtime.isDryRun() ? 0 : SERVER_START_PATIENCE_SECONDS);
    const address = `${login.host}:${login.port}`;
    const fail = (problems: string[]) =>
        new pulumi.RunError(
            `hive-db: the server at ${address} cannot be used as configured; nothing was changed:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
        );
    if (!inventory.reachable) {
        const configured = configuredConnectionProblem(inventory, login);
        if (configured !== undefined) throw fail([configured]);
        const problem = inventory.code === "28P01" ? `the server rejects hive-db:adminPassword for ${login.username}` : inventory.reason;
        const message = `hive-db: cannot reach the server at ${login.host}:${login.port} (${problem}); ${server.repairHint}`;
        if (!pulumi.runtime.isDryRun()) throw new pulumi.RunError(message);
        pulumi.log.warn(`${message}. This preview assumes none of the stack's databases and roles exist yet.`);
        return NOTHING;
    }
    const problems = serverProblems(inventory.facts, { profile: login.profile, address, adminUser: login.username, layout });
    if (problems.length > 0) throw fail(problems);
    const missing = adoptDatabases.filter((database) => !inventory.databases.has(database));
    if (missing.length > 0) {
        throw new pulumi.RunError(`hive-db:adoptDatabases: ${missing.join(", ")} does not exist on ${login.host}:${login.port}`);
    }
    return { databases: inventory.databases, roles: inventory.roles };
}
