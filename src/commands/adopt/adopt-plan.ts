/**
 * What adopting an existing container changes in the stack config, and why it may not: pure, so
 * the rules (same major version, the same data, user, port and network, the admin's credentials)
 * are unit-tested and the command only carries them out.
 */
import { isIP } from "node:net";

import { CONFIG_NAMESPACE } from "../../stack/config";
import { isLoopback } from "../../stack/model/naming";
import type { LegacyContainer } from "./legacy-container";
import type { DataFacts } from "./docker-facts";

export interface AdoptionFacts {
    container: LegacyContainer;
    data: DataFacts;
    /** The image the stack will run on the data, and its major version. */
    image: string;
    imageMajor: number;
    /** The admin who owns the data (the password travels separately). */
    admin: { user: string; database: string; source: string };
}

export interface AdoptionPlan {
    /** New values of top-level `hive-db` keys: the stack's current values with the adopted ones merged in. */
    values: Record<string, unknown>;
    /** Path keys (`container.volume`) the stack had that would contradict the adopted storage. */
    remove: string[];
    /** The old container's new name when it has the stack container's name (it is renamed, never removed). */
    renameOldTo?: string;
    notes: string[];
}

type Config = Record<string, unknown>;

const asObject = (value: unknown): Config =>
    typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Config) : {};
const key = (name: string) => `${CONFIG_NAMESPACE}:${name}`;

/** Why the stack's image cannot run this data; empty when it can. */
export function dataProblems(facts: AdoptionFacts): string[] {
    if (facts.data.major === facts.imageMajor) return [];
    return [
        `the data directory of ${facts.container.name} is PostgreSQL ${facts.data.major} (its PG_VERSION), but ` +
            `${facts.image} runs PostgreSQL ${facts.imageMajor}: a server cannot open another major version's data. ` +
            `Adopt with an image of PostgreSQL ${facts.data.major} (--image), then move the data to ${facts.imageMajor} with ` +
            `\`npm run db -- upgrade --image ${facts.image}\``,
    ];
}

/** Why this stack cannot take the container's data over; empty when it can. */
export function stackProblems(current: Config, containersInState: readonly string[]): string[] {
    const problems: string[] = [];
    if (current.server !== undefined) {
        problems.push(
            `${key("server")} is set: this stack uses an existing server, and adopting moves a container's data into the ` +
                "stack's own container. Use a stack without hive-db:server (--stack <new stack>)",
        );
    }
    if (containersInState.length > 0) {
        problems.push(
            `the stack already runs its own container (${containersInState.join(", ")}) on other data: adopt into a new stack ` +
                "(--stack <name>), or take this one down first (npm run down keeps its data)",
        );
    }
    return problems;
}

/** Where the stack publishes the port: the old loopback address, else the stack's (loopback) default. */
function bindAddressOf(container: LegacyContainer, notes: string[]): string | undefined {
    const hostIp = container.port?.hostIp ?? "";
    if (isIP(hostIp) !== 0 && isLoopback(hostIp)) return hostIp;
    if (container.port !== undefined) {
        notes.push(
            `${container.name} published port ${container.port.hostPort} on ${hostIp === "" ? "every interface" : hostIp}; the stack publishes ` +
                `it on loopback only (set ${key("container.bindAddress")} and allowNonLoopbackBind to widen it)`,
        );
    }
    return undefined;
}

function containerValues(facts: AdoptionFacts, current: Config, notes: string[]): { container: Config; removed: string[] } {
    const { container, data } = facts;
    const merged: Config = { ...asObject(current.container), image: facts.image, pgdata: container.stackPgdata };
    if (container.port !== undefined) merged.hostPort = container.port.hostPort;
    const bindAddress = bindAddressOf(container, notes);
    if (bindAddress !== undefined) merged.bindAddress = bindAddress;
    if (container.networks.length > 0) {
        merged.network = container.networks[0];
        if (container.networks.length > 1) notes.push(`${container.name} is on several networks; the stack joins ${container.networks[0]}`);
    }
    if (Object.keys(container.serverFlags).length > 0) merged.serverFlags = { ...container.serverFlags };
    const contradicting = container.storage.kind === "bindMount" ? ["volume"] : ["dataDirectory", "user"];
    if (container.storage.kind === "bindMount") {
        // The files keep their owner: the server runs as whoever owns PGDATA now.
        Object.assign(merged, { dataDirectory: container.storage.hostPath, user: data.owner });
    } else {
        merged.volume = container.storage.volumeName;
    }
    const removed = contradicting.filter((name) => name in merged).map((name) => `container.${name}`);
    contradicting.forEach((name) => delete merged[name]);
    // Flags are written leaf by leaf: the stack's own flags would survive beside the container's.
    if (Object.keys(container.serverFlags).length > 0 && asObject(current.container).serverFlags !== undefined) {
        removed.push("container.serverFlags");
    }
    return { container: merged, removed };
}

/** The stack config that runs the container's data, merged into what the stack has. */
export function planAdoption(facts: AdoptionFacts, current: Config): AdoptionPlan {
    const notes: string[] = [];
    const { database } = facts.admin;
    const adoptDatabases = [...new Set([...((current.adoptDatabases as string[] | undefined) ?? []), database])];
    const { container, removed } = containerValues(facts, current, notes);
    const stackName = (container.name as string | undefined) ?? "hive-postgres-shared";
    if (facts.container.composeProject !== undefined) {
        notes.push(
            `${facts.container.name} belongs to compose project ${facts.container.composeProject}: do not start its postgres ` +
                "service again (make / docker compose up) while the stack runs: two servers on one data directory corrupt it",
        );
    }
    return {
        values: { adminUser: facts.admin.user, database, adoptDatabases, container },
        remove: removed,
        renameOldTo: stackName === facts.container.name ? `${facts.container.name}-legacy` : undefined,
        notes,
    };
}

/** A path segment as `pulumi config set --path` reads it: plain names bare, anything else quoted. */
function segment(name: string): string {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

/** Every leaf of the values as `hive-db:a.b[0]` → text: written with `--path`, the YAML stays structured. */
export function configLeaves(values: Config): Record<string, string> {
    const leaves: Record<string, string> = {};
    const walk = (prefix: string, value: unknown) => {
        if (Array.isArray(value)) value.forEach((item, index) => walk(`${prefix}[${index}]`, item));
        else if (typeof value === "object" && value !== null)
            Object.entries(value).forEach(([name, item]) => walk(prefix + segment(name), item));
        else leaves[prefix] = String(value);
    };
    Object.entries(values).forEach(([name, value]) => walk(key(name), value));
    return leaves;
}

/** The raw config the program would see after the plan (for parseConfig), the admin password present. */
/** The admin password's key: adopt always sets it, as a secret. */
export const ADMIN_PASSWORD_KEY = key("adminPassword");

/** The config after adoption (the admin password as a placeholder: `parseConfig` only checks it is a secret). */
export function configAfter(allConfig: Readonly<Record<string, string>>, plan: AdoptionPlan): Record<string, string> {
    const after: Record<string, string> = { ...allConfig, [ADMIN_PASSWORD_KEY]: "[secret]" };
    for (const [name, value] of Object.entries(plan.values)) after[key(name)] = JSON.stringify(value);
    return after;
}

/** What the next `npm run up` does with the adopted config, in the user's words. */
export function describeNextUp(plan: AdoptionPlan, roles: readonly string[]): string[] {
    const container = asObject(plan.values.container);
    const storage = container.dataDirectory
        ? `the host directory ${container.dataDirectory} (running as ${container.user})`
        : `the volume ${container.volume}`;
    return [
        "the next `npm run up` will:",
        `  - start container ${container.name ?? "hive-postgres-shared"} from ${container.image} on ${storage}, ` +
            `PGDATA ${container.pgdata}, port ${container.bindAddress ?? "127.0.0.1"}:${container.hostPort ?? 5532}`,
        `  - join network ${container.network ?? "app_network"} as it is (destroy never removes a network the stack did not create)`,
        `  - log in as ${plan.values.adminUser} with the old password and take database ${plan.values.database} over (import), ` +
            `and the mode roles that exist; create the others (${roles.join(", ")}), their schemas and grants`,
        "  - keep every table and row: nothing is dropped or rewritten",
        "then `npm run adopt -- --finish` makes each mode the owner of its schemas' tables and moves vector to the extensions " +
            "schema (`npm run adopt -- --container NAME --up` does all three)",
    ];
}
