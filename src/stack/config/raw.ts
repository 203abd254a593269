/**
 * The engine's raw `hive-db:*` values, before the schema sees them: decoded, stripped of secrets,
 * checked for keys a JavaScript object cannot hold, and with what the rules need to know about
 * what was written (not defaulted).
 */
import { makeRedactor } from "../../shared/redact";
import { CONFIG_NAMESPACE } from "./keys";
import type { RuleContext } from "./rule-context";

/** Keys holding secrets: only their presence is checked here; `requireSecret` reads them. */
export const SECRET_KEYS = ["adminPassword"] as const;

/**
 * Map keys a plain object cannot hold as data: assigning `__proto__` replaces the prototype, so a
 * parser building `{}` drops it silently (zod does). JSON.parse keeps it as an own key, so it
 * reaches us and is rejected here, at any depth, before the schema runs.
 */
const PROTOTYPE_KEYS = new Set(["__proto__"]);

export interface RawConfig {
    /** This stack's keys without the namespace, secrets replaced by `true` (present). */
    raw: Record<string, unknown>;
    /** What rules need beyond the parsed values. */
    context: RuleContext;
    /** Values of keys set with `--secret`: never shown in a problem. */
    secretValues: string[];
    /** Problems found before parsing (keys no object can hold). */
    problems: string[];
}

/** Pulumi hands over structured values as JSON and scalars as their text: accept both. */
function decodeValue(raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

/** Every string and number inside a value (not its map keys, which name structure). */
function leafValues(value: unknown): string[] {
    if (typeof value === "string" || typeof value === "number") return [String(value)];
    if (Array.isArray(value)) return value.flatMap(leafValues);
    if (typeof value === "object" && value !== null) return Object.values(value).flatMap(leafValues);
    return [];
}

/** Paths (`["modes", "__proto__"]`) of keys a plain object cannot hold. */
function prototypeKeyPaths(value: unknown, path: readonly string[] = []): string[][] {
    if (typeof value !== "object" || value === null) return [];
    return Object.entries(value).flatMap(([key, child]) => [
        ...(PROTOTYPE_KEYS.has(key) ? [[...path, key]] : []),
        ...prototypeKeyPaths(child, [...path, key]),
    ]);
}

/** How `hive-db:adminPassword` was given, without its value. */
function adminPasswordState(value: string | undefined, secret: boolean): RuleContext["adminPassword"] {
    if (value === undefined) return "missing";
    if (!secret) return "plain";
    return value.length === 0 ? "empty" : "set";
}

export function readOwnKeys(allConfig: Record<string, string>, secretKeys: readonly string[]): RawConfig {
    const prefix = CONFIG_NAMESPACE + ":";
    const secret = new Set(secretKeys);
    const entries: Array<[string, unknown]> = [];
    const secretValues: string[] = [];
    for (const [key, value] of Object.entries(allConfig)) {
        if (!key.startsWith(prefix)) continue;
        const name = key.slice(prefix.length);
        if ((SECRET_KEYS as readonly string[]).includes(name)) {
            // A secret's value never enters a parser or a message.
            entries.push([name, true]);
            continue;
        }
        const decoded = decodeValue(value);
        if (secret.has(key)) secretValues.push(value, ...leafValues(decoded));
        entries.push([name, decoded]);
    }
    // fromEntries defines own properties, so even a `__proto__` key stays data (and gets reported).
    const raw = Object.fromEntries(entries);
    const problems = prototypeKeyPaths(raw).map(
        (path) => `${prefix}${path.join(".")}: "__proto__" cannot be a name here (JavaScript objects reserve it); choose another name`,
    );
    const adminKey = `${prefix}adminPassword`;
    const adminPassword = adminPasswordState(Object.hasOwn(allConfig, adminKey) ? allConfig[adminKey] : undefined, secret.has(adminKey));
    const container = raw.container;
    const containerKeys = typeof container === "object" && container !== null && !Array.isArray(container) ? Object.keys(container) : [];
    return { raw, context: { adminPassword, containerKeys }, secretValues, problems };
}

/**
 * Problems with every value of a `--secret` key replaced by `***`. The key (before the first ": ")
 * is kept: it names structure, and the user needs it to find the problem.
 */
export function hideSecretValues(problems: readonly string[], secretValues: readonly string[]): string[] {
    const redact = makeRedactor(secretValues);
    return problems.map((problem) => {
        const split = problem.indexOf(": ");
        return split < 0 ? redact(problem) : problem.slice(0, split + 2) + redact(problem.slice(split + 2));
    });
}
