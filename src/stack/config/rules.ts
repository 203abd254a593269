/**
 * Cross-field rules a per-key schema cannot express, one named function each. Every problem names
 * the key that causes it (`hive-db:modes.agent.role: ...`) and what would be valid.
 */
import { apiPortFor, apiPortKeyFor, databaseFor, isLocalHost, managedDatabases, roleNameFor } from "../model/naming";
import { containerKeysWithServerRules, containerRules, managedTlsRules, serverRules } from "./deployment-rules";
import { identifierProblem } from "./identifiers";
import { keyOf, modeKey } from "./keys";
import type { Rule, RuleContext } from "./rule-context";
import type { HiveDbConfig } from "./schema";

/** At least one mode. */
export function modeCountRules(config: HiveDbConfig): string[] {
    return Object.keys(config.modes).length === 0 ? [`${keyOf("modes")}: at least one mode is required`] : [];
}

/** Every API port, and the container's host port, binds on the same host: all unique and ≤ 65535. */
export function portRules(config: HiveDbConfig): string[] {
    const problems: string[] = [];
    const owners = new Map<number, string>();
    const claim = (port: number, owner: string) => {
        const previous = owners.get(port);
        if (previous) problems.push(`${owner}: port ${port} is already used by ${previous}; every port must be unique`);
        else owners.set(port, owner);
    };
    if (!config.server) claim(config.container.hostPort, keyOf("container.hostPort"));
    // A server on this machine listens here too: an app on its port could not start.
    else if (isLocalHost(config.server.host)) claim(config.server.port, keyOf("server.port"));
    for (const [name, mode] of Object.entries(config.modes)) {
        const port = apiPortFor(mode, config.apiBasePort);
        const key = keyOf(apiPortKeyFor(name, mode));
        if (port > 65535) {
            problems.push(`${key}: API port ${port} is above 65535; choose a smaller prefix or set ${modeKey(name, "apiPort")}`);
        } else {
            claim(port, key);
        }
    }
    return problems;
}

/** Each mode has a valid role of its own, distinct from the admin. */
export function roleRules(config: HiveDbConfig): string[] {
    const problems: string[] = [];
    const owners = new Map<string, string>();
    for (const [name, mode] of Object.entries(config.modes)) {
        const role = roleNameFor(name, mode);
        const key = modeKey(name, "role");
        const problem = identifierProblem(role);
        if (problem) problems.push(`${key}: ${problem} (derived from the mode name; set a shorter role)`);
        if (role === config.adminUser) problems.push(`${key}: "${role}" is the admin user; a mode needs a role of its own`);
        const other = owners.get(role);
        if (other) problems.push(`${key}: role "${role}" is already mode ${other}'s; every mode needs its own role`);
        owners.set(role, name);
    }
    return problems;
}

/** A schema is listed once, is not the extensions schema, and has one owning mode per database. */
export function schemaRules(config: HiveDbConfig): string[] {
    const problems: string[] = [];
    const owners = new Map<string, string>();
    for (const [name, mode] of Object.entries(config.modes)) {
        const key = modeKey(name, "schemas");
        const database = databaseFor(config, mode);
        const seen = new Set<string>();
        for (const schema of mode.schemas) {
            if (seen.has(schema)) {
                problems.push(`${key}: schema "${schema}" is listed twice`);
                continue;
            }
            seen.add(schema);
            if (schema === config.extensionsSchema) {
                problems.push(
                    `${key}: "${schema}" is the shared extensions schema (${keyOf("extensionsSchema")}) and cannot belong to a mode`,
                );
            }
            const owner = owners.get(`${database}.${schema}`);
            if (owner) {
                problems.push(
                    `${key}: schema "${schema}" in database "${database}" is already owned by mode ${owner}; ` +
                        "a schema has one owning mode (use readers to share it)",
                );
            }
            owners.set(`${database}.${schema}`, name);
        }
    }
    return problems;
}

/** Names listed twice in one list: each would declare a second resource of the same name. */
function listedTwice(key: string, names: readonly string[]): string[] {
    const repeated = names.filter((name, index) => names.indexOf(name) !== index);
    return [...new Set(repeated)].map((name) => `${key}: "${name}" is listed twice; list each once`);
}

/** Readers are other, existing modes, each listed once. */
export function readerRules(config: HiveDbConfig): string[] {
    const problems: string[] = [];
    const names = Object.keys(config.modes);
    for (const [name, mode] of Object.entries(config.modes)) {
        problems.push(...listedTwice(modeKey(name, "readers"), mode.readers));
        for (const reader of mode.readers) {
            if (reader === name) {
                problems.push(`${modeKey(name, "readers")}: a mode cannot list itself as a reader`);
            } else if (!Object.hasOwn(config.modes, reader)) {
                problems.push(`${modeKey(name, "readers")}: unknown mode "${reader}"; valid modes: ${names.join(", ")}`);
            }
        }
    }
    return problems;
}

/** A stack's rotations name modes it has: a rotation of no mode would silently do nothing. */
export function rotationRules(config: HiveDbConfig): string[] {
    const names = Object.keys(config.modes);
    return Object.keys(config.rotations)
        .filter((mode) => !Object.hasOwn(config.modes, mode))
        .map((mode) => `${keyOf(`rotations.${mode}`)}: unknown mode "${mode}"; valid modes: ${names.join(", ")}`);
}

/** Each extension once: one Extension resource per name and database. */
export function extensionRules(config: HiveDbConfig): string[] {
    return listedTwice(keyOf("extensions"), config.extensions);
}

/** Only databases of this stack can be adopted. */
export function adoptionRules(config: HiveDbConfig): string[] {
    const databases = managedDatabases(config);
    return config.adoptDatabases
        .filter((database) => !databases.includes(database))
        .map((database) => `${keyOf("adoptDatabases")}: "${database}" is not a database of this stack; valid: ${databases.join(", ")}`);
}

/**
 * The admin password lives in the stack config, encrypted: it must outlive `pulumi destroy`, because
 * the data directory the stack keeps holds it (POSTGRES_PASSWORD only seeds an empty one).
 */
export function adminPasswordRules(config: HiveDbConfig, { adminPassword }: RuleContext): string[] {
    const key = keyOf("adminPassword");
    const setSecret = `pulumi config set --secret ${key}`;
    switch (adminPassword) {
        case "set":
            return [];
        case "plain":
            return [
                `${key}: is stored as plain text in the stack config; set it as a secret instead (\`${setSecret}\`), ` +
                    "and change the password if the plain file was shared or committed",
            ];
        case "empty":
            return [`${key}: is empty; set the admin password (\`${setSecret}\`)`];
        case "missing": {
            const how = config.server
                ? "the existing server's admin password"
                : `a new random one, e.g. \`openssl rand -base64 32 | ${setSecret}\` (npm run up does this for you)`;
            return [`${key}: required (a secret); set ${how}`];
        }
    }
}

const RULES: readonly Rule[] = [
    modeCountRules,
    portRules,
    roleRules,
    schemaRules,
    readerRules,
    rotationRules,
    extensionRules,
    adoptionRules,
    adminPasswordRules,
    containerKeysWithServerRules,
    containerRules,
    serverRules,
    managedTlsRules,
];

/** Every cross-field problem, in rule order. */
export function configProblems(config: HiveDbConfig, context: RuleContext): string[] {
    return RULES.flatMap((rule) => rule(config, context));
}
