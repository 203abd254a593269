/**
 * What the program's probe learns about an existing server before it declares anything
 * (src/stack/program/server-facts.ts reads it), and what the configured profile then cannot do
 * there: each problem names the key to change. Pure, so every case is a unit test.
 */
import { keyOf, modeKey } from "../config/keys";
import type { Layout } from "./layout";
import { allowedExtensions, installableByModes, PROFILE_TRAITS, type ServerProfile } from "./server-profiles";

export interface ServerFacts {
    /** The admin is a superuser (`rolsuper`). */
    superuser: boolean;
    /** `CREATE EVENT TRIGGER` got past its permission check as the admin (tried, nothing created). */
    eventTriggers: boolean;
    /** Every extension the server offers (`pg_available_extension_versions`), and whether a version is trusted. */
    available: ReadonlyMap<string, { trusted: boolean }>;
    /** The allow-list settings the server has (`azure.extensions`, `rds.allowed_extensions`); unset ones absent. */
    settings: Readonly<Record<string, string>>;
    /**
     * Of the stack's roles that already exist, those the admin may not alter: a superuser's, or on
     * PostgreSQL 16+ one it holds no ADMIN OPTION on (a CREATEROLE admin manages only the roles it
     * created, or was granted WITH ADMIN OPTION).
     */
    foreignRoles: readonly string[];
}

export interface ServerContext {
    profile: ServerProfile;
    /** `host:port`, for messages. */
    address: string;
    adminUser: string;
    layout: Layout;
}

const PROFILE_KEY = keyOf("server.profile");

/** The admin can do what the profile's protection needs. */
function adminProblems(facts: ServerFacts, { profile, address, adminUser }: ServerContext): string[] {
    if (facts.superuser) return [];
    const traits = PROFILE_TRAITS[profile];
    if (profile === "superuser") {
        return [
            `${PROFILE_KEY}: "superuser" (the default), but ${adminUser} is not a superuser on ${address}, so the extension guard ` +
                'cannot be installed; set it to the service the server runs on (rds, cloudsql, azure) or generic (docs/security.md, "Managed servers")',
        ];
    }
    if (traits.protection === "guard" && !facts.eventTriggers) {
        return [
            `${PROFILE_KEY}: "${profile}" installs the extension guard, an event trigger, but ${address} refuses event triggers to ` +
                `${adminUser}; ${traits.guardAdmin}, or set ${PROFILE_KEY} to generic`,
        ];
    }
    return [];
}

/** Every extension of `hive-db:extensions` can be created by this admin. */
function stackExtensionProblems(facts: ServerFacts, { profile, address, adminUser, layout }: ServerContext): string[] {
    const setting = PROFILE_TRAITS[profile].allowList;
    const allowed = allowedExtensions(profile, facts.settings);
    return layout.extensions.flatMap((extension): string[] => {
        const offered = facts.available.get(extension);
        const key = keyOf("extensions");
        if (offered === undefined) {
            return [`${key}: "${extension}" is not available on ${address} (pg_available_extensions); install it there or remove it`];
        }
        if (allowed !== undefined && !allowed.has(extension)) {
            return [
                `${key}: "${extension}" is not in ${setting} on ${address}, which lists the extensions anyone may create; add it there`,
            ];
        }
        // Only a superuser or a service's platform role creates an untrusted extension.
        if (!facts.superuser && profile === "generic" && !offered.trusted) {
            return [
                `${key}: "${extension}" is not a trusted extension on ${address} and ${adminUser} is not a superuser, so it cannot ` +
                    "create it; ask the server's operator to mark it trusted or create it, or use the profile of the service",
            ];
        }
        return [];
    });
}

/**
 * Where the guard is impossible, modes that share a database could install trusted extensions into
 * each other's schemas: allowed only when the server offers none beyond `hive-db:extensions`.
 */
function sharedDatabaseProblems(facts: ServerFacts, { profile, layout }: ServerContext): string[] {
    if (PROFILE_TRAITS[profile].protection === "guard") return [];
    const installable = installableByModes(profile, facts.available, facts.settings, layout.extensions);
    if (installable.length === 0) return [];
    const setting = PROFILE_TRAITS[profile].allowList;
    const shown =
        installable.length > 6 ? `${installable.slice(0, 6).join(", ")} and ${installable.length - 6} more` : installable.join(", ");
    const remedy = setting === undefined ? "" : `remove them from ${setting}, or `;
    const firstMode = new Map<string, string>();
    return layout.modes.flatMap((mode): string[] => {
        const first = firstMode.get(mode.database);
        if (first === undefined) {
            firstMode.set(mode.database, mode.name);
            return [];
        }
        return [
            `${modeKey(mode.name, "database")}: shares database "${mode.database}" with mode ${first}, and on ${PROFILE_KEY} "${profile}" ` +
                `each could install trusted extensions (${shown}) into the other's schemas, as no event trigger can refuse them; ` +
                `${remedy}give each mode a database of its own (e.g. ${modeKey(mode.name, "database")}: ${mode.database}_${mode.name})`,
        ];
    });
}

/** Existing mode roles the admin cannot take over. */
function foreignRoleProblems(facts: ServerFacts, { address, adminUser, layout }: ServerContext): string[] {
    return layout.modes
        .filter((mode) => facts.foreignRoles.includes(mode.role))
        .map(
            (mode) =>
                `${modeKey(mode.name, "role")}: role ${mode.role} exists on ${address} but ${adminUser} may not alter it (PostgreSQL 16+ ` +
                "lets a CREATEROLE admin manage only roles it created or holds WITH ADMIN OPTION); as its creator or a superuser run " +
                `GRANT ${mode.role} TO ${adminUser} WITH ADMIN OPTION, or choose another role name`,
        );
}

/** Everything the configured profile cannot do on this server; empty when the stack can go ahead. */
export function serverProblems(facts: ServerFacts, context: ServerContext): string[] {
    return [
        ...adminProblems(facts, context),
        ...stackExtensionProblems(facts, context),
        ...sharedDatabaseProblems(facts, context),
        ...foreignRoleProblems(facts, context),
    ];
}
