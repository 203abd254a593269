/**
 * What kind of server the stack runs against (`hive-db:server.profile`), and what that means before
 * anything is changed: who the admin is there, what the service lets it do, and what keeps the mode
 * roles from installing extensions into each other's schemas (docs/security.md, "Managed servers").
 * The sources for each service's behaviour are cited there.
 */

export const SERVER_PROFILES = ["superuser", "rds", "cloudsql", "azure", "generic"] as const;
export type ServerProfile = (typeof SERVER_PROFILES)[number];

/**
 * How the modes are kept apart where each holds CREATE on a shared database (which lets a role
 * install a *trusted* extension into any schema of that database):
 * - `guard`: the stack's extension guard, an event trigger the admin installs;
 * - `closed-extensions`: no event trigger is possible, so the server must offer no trusted extension
 *   beyond `hive-db:extensions` (through its allow-list where it has one), or modes must not share
 *   a database.
 */
type ModeProtection = "guard" | "closed-extensions";

export interface ProfileTraits {
    /** What the profile stands for, in messages. */
    service: string;
    /** The service's role its admin is a member of, standing in for a superuser. */
    platformRole?: string;
    protection: ModeProtection;
    /** The server setting listing the extensions anyone may create ("*" or unset: every one). */
    allowList?: string;
    /** The service encrypts and has its own CA: sslmode verify-ca or verify-full with sslrootcert is required. */
    verifiedTls: boolean;
    /** How to get an admin that can install the guard, for a profile whose protection is the guard. */
    guardAdmin?: string;
}

export const PROFILE_TRAITS: Readonly<Record<ServerProfile, ProfileTraits>> = {
    superuser: {
        service: "a server whose admin is a superuser (self-hosted, the old Makefile container)",
        protection: "guard",
        verifiedTls: false,
        guardAdmin: "log in as a superuser (hive-db:adminUser)",
    },
    rds: {
        service: "Amazon RDS or Aurora PostgreSQL",
        platformRole: "rds_superuser",
        protection: "guard",
        allowList: "rds.allowed_extensions",
        verifiedTls: true,
        guardAdmin: "log in as the instance's master user, a member of rds_superuser (hive-db:adminUser)",
    },
    cloudsql: {
        service: "Google Cloud SQL for PostgreSQL",
        platformRole: "cloudsqlsuperuser",
        protection: "guard",
        verifiedTls: true,
        guardAdmin: "log in as postgres or another member of cloudsqlsuperuser (hive-db:adminUser)",
    },
    azure: {
        service: "Azure Database for PostgreSQL flexible server",
        platformRole: "azure_pg_admin",
        protection: "closed-extensions",
        allowList: "azure.extensions",
        verifiedTls: true,
    },
    generic: {
        service: "a server whose admin is not a superuser and may not create event triggers (CREATEDB and CREATEROLE only)",
        protection: "closed-extensions",
        verifiedTls: false,
    },
};

/** PostgreSQL's procedural language, created in every database by initdb: `CREATE EXTENSION plpgsql` creates nothing. */
const ALWAYS_INSTALLED = new Set(["plpgsql"]);

/**
 * The members of a comma-separated allow-list setting, or undefined when it allows every extension
 * (unset, or "*" as RDS writes it).
 */
function allowListMembers(value: string | undefined): Set<string> | undefined {
    if (value === undefined) return undefined;
    const members = value
        .split(",")
        .map((name) => name.trim().toLowerCase())
        .filter((name) => name !== "");
    return members.includes("*") ? undefined : new Set(members);
}

/** The extensions the profile's allow-list setting lets anyone create; undefined when nothing limits them. */
export function allowedExtensions(profile: ServerProfile, settings: Readonly<Record<string, string>>): Set<string> | undefined {
    const setting = PROFILE_TRAITS[profile].allowList;
    return setting === undefined ? undefined : allowListMembers(settings[setting]);
}

/**
 * Trusted extensions a mode role could install, because it holds CREATE on its database: every
 * trusted extension the server offers (on the allow-list, where the profile has one) that the stack
 * does not create itself.
 */
export function installableByModes(
    profile: ServerProfile,
    available: ReadonlyMap<string, { trusted: boolean }>,
    settings: Readonly<Record<string, string>>,
    stackExtensions: readonly string[],
): string[] {
    const allowed = allowedExtensions(profile, settings);
    return [...available]
        .filter(([name, { trusted }]) => trusted && !stackExtensions.includes(name) && !ALWAYS_INSTALLED.has(name))
        .filter(([name]) => allowed === undefined || allowed.has(name))
        .map(([name]) => name)
        .sort();
}
