/**
 * `npm run adopt`: takes an existing PostgreSQL container's data over into the stack. Everything is
 * checked first (Docker, the container, its data's major version against the image, the admin's
 * password against the live server, the future config); only then the config is written and the old
 * container stopped — never removed, and its data never touched. `finish.ts` runs after `up`.
 */
import { readFileSync } from "node:fs";

import type { Stack } from "@pulumi/pulumi/automation";

import { CONFIG_NAMESPACE, ConfigError, parseConfig } from "../../stack/config";
import { containerExists, docker, requireDocker } from "../../shared/docker";
import { stackConfigValues, setSecretConfig } from "../common/stack-config";
import { containersInState } from "../common/state";
import { containerDialHost } from "../../stack/model/naming";
import { withSession } from "../../shared/pg-session";
import { describeError } from "../verify/sql";
import {
    ADMIN_PASSWORD_KEY,
    type AdoptionFacts,
    type AdoptionPlan,
    configAfter,
    configLeaves,
    dataProblems,
    planAdoption,
    stackProblems,
} from "./adopt-plan";
import type { LegacyContainer } from "./legacy-container";
import { credentialsFromContainer, credentialsFromEnvFile, type LegacyCredentials, nonEmpty } from "./legacy-credentials";
import { dataFacts, imageMajor, inspectLegacyContainer } from "./docker-facts";
import { CommandError } from "../../shared/cli";

export class AdoptRefused extends CommandError {
    constructor(readonly problems: string[]) {
        super(`adopt refused, nothing was changed:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    }
}

export interface ExamineOptions {
    container: string;
    /** The app's `.env` with HIVE_DATABASE_URL (seed 003); default: the container's own environment. */
    envFile?: string;
    /** Image for the stack's container; default the old container's. */
    image?: string;
    log: (line: string) => void;
}

export interface Examination extends AdoptionFacts {
    password: string;
}

function readCredentials(options: ExamineOptions, container: LegacyContainer): LegacyCredentials {
    if (options.envFile === undefined) return credentialsFromContainer(container);
    let text: string;
    try {
        text = readFileSync(options.envFile, "utf8");
    } catch (error) {
        throw new AdoptRefused([`cannot read ${options.envFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
    }
    return credentialsFromEnvFile(text, options.envFile);
}

/** Logs in to the old server while it runs: a wrong password or a non-superuser stops adopt here. */
async function checkAdmin(
    container: LegacyContainer,
    credentials: LegacyCredentials,
    database: string,
    log: (line: string) => void,
): Promise<void> {
    if (!container.running || container.port === undefined) {
        log(`${container.name} is not running with a published port: the admin password is checked by npm run up instead`);
        return;
    }
    const endpoint = {
        host: containerDialHost({ bindAddress: container.port.hostIp === "" ? "0.0.0.0" : container.port.hostIp }),
        port: container.port.hostPort,
    };
    const login = { ...endpoint, user: credentials.user, password: credentials.password, database: "postgres" };
    const problem = await withSession(login, "hive-db-adopt", async (client) => {
        const { rows } = await client.query<{ superuser: boolean; database: boolean }>(
            "SELECT rolsuper AS superuser, EXISTS (SELECT FROM pg_database WHERE datname = $1) AS database FROM pg_roles WHERE rolname = current_user",
            [database],
        );
        if (!rows[0]?.superuser) return `${credentials.user} (from ${credentials.source}) is not a superuser of ${container.name}`;
        return rows[0].database ? undefined : `database ${database} does not exist in ${container.name}`;
    }).catch(
        (error: unknown) =>
            `${container.name} at ${endpoint.host}:${endpoint.port} refuses ${credentials.user} from ${credentials.source}: ${describeError(error)}`,
    );
    if (problem !== undefined) throw new AdoptRefused([problem]);
    log(`admin ${credentials.user} (from ${credentials.source}) logs in to ${container.name}`);
}

/** Every check that needs no stack: the container, its data, the image, the admin's login. */
export async function examineContainer(options: ExamineOptions): Promise<Examination> {
    await requireDocker();
    const container = await inspectLegacyContainer(options.container);
    const credentials = readCredentials(options, container);
    const data = await dataFacts(container);
    const image = options.image ?? container.image;
    const facts: Examination = {
        container,
        data,
        image,
        imageMajor: await imageMajor(image),
        // The app's database: the .env's, else what the container created (POSTGRES_DB), else the seeds' `hive`.
        admin: {
            user: credentials.user,
            database: credentials.database ?? nonEmpty(container.env.POSTGRES_DB) ?? "hive",
            source: credentials.source,
        },
        password: credentials.password,
    };
    const problems = dataProblems(facts);
    if (problems.length > 0) throw new AdoptRefused(problems);
    options.log(`${container.name}: PostgreSQL ${data.major} data, owned by ${data.owner}, at ${describeStorage(container)}`);
    await checkAdmin(container, credentials, facts.admin.database, options.log);
    return facts;
}

export function describeStorage(container: LegacyContainer): string {
    const where =
        container.storage.kind === "bindMount" ? `host directory ${container.storage.hostPath}` : `volume ${container.storage.volumeName}`;
    return `${where} (PGDATA ${container.pgdata})`;
}

/** Checks the stack, then writes its config and stops (never removes) the old container. */
export async function adoptInto(stack: Stack, examination: Examination, log: (line: string) => void): Promise<AdoptionPlan> {
    const { all, own, secretKeys } = await stackConfigValues(stack);
    const problems = stackProblems(own, containersInState(await stack.exportStack()));
    const plan = planAdoption(examination, own);
    try {
        parseConfig(configAfter(all, plan), [...secretKeys, ADMIN_PASSWORD_KEY]);
    } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems.push(...error.problems);
    }
    if (plan.renameOldTo !== undefined && (await containerExists(plan.renameOldTo))) {
        problems.push(`${examination.container.name} has the stack container's name, and ${plan.renameOldTo} (its new name) is taken`);
    }
    if (problems.length > 0) throw new AdoptRefused(problems);

    // Removed first: a replaced map (serverFlags) is then written whole, with nothing stale beside it.
    for (const path of plan.remove) await stack.removeConfig(`${CONFIG_NAMESPACE}:${path}`, true);
    await stack.setAllConfig(Object.fromEntries(Object.entries(configLeaves(plan.values)).map(([key, value]) => [key, { value }])), true);
    await setSecretConfig(stack, `${CONFIG_NAMESPACE}:adminPassword`, examination.password);
    log(`wrote the config of stack ${stack.name} (hive-db:adminPassword as a secret)`);
    await retire(examination.container, plan, log);
    return plan;
}

/** Stops the old container for good (restart policy `no`) and, on a name clash, renames it. Its data stays. */
async function retire(container: LegacyContainer, plan: AdoptionPlan, log: (line: string) => void): Promise<void> {
    if (container.running) await docker(["stop", "--time", "60", container.name], { timeoutMs: 120_000 });
    await docker(["update", "--restart", "no", container.name]);
    log(`stopped ${container.name} and set its restart policy to "no" (was ${container.restartPolicy}); it is kept, with its data`);
    if (plan.renameOldTo !== undefined) {
        await docker(["rename", container.name, plan.renameOldTo]);
        log(`renamed ${container.name} to ${plan.renameOldTo}: the stack's container takes its name`);
    }
}
