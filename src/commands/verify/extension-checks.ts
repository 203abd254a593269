/**
 * CREATE on its database (which the apps' `CREATE SCHEMA IF NOT EXISTS` needs) also lets a mode
 * role install a *trusted* extension into any schema of that database, another mode's included
 * (docs/security.md, "Schema creation at startup"). Whatever refuses it on this server (the
 * stack's extension guard, or the service's extension allow-list on a managed server) is proved
 * here by trying, in the caller's rolled-back transaction; where nothing refuses it, the mode must
 * be alone in its database, or verify fails and says which extensions and which modes.
 */
import { type Client, escapeIdentifier as id } from "pg";

import { attempt } from "./sql";
import type { ModeTarget } from "./targets";

export interface ExtensionOutcome {
    /** For the pass message: what was tried and what happened. */
    note: string;
    problems: string[];
}

/** Trusted extensions the server offers and the database lacks, citext first: what a mode could try. */
async function candidates(client: Client): Promise<string[]> {
    const { rows } = await client.query<{ name: string }>(
        `SELECT name FROM pg_available_extension_versions v
         WHERE trusted AND NOT EXISTS (SELECT FROM pg_extension e WHERE e.extname = v.name)
         GROUP BY name ORDER BY name = 'citext' DESC, name`,
    );
    return rows.map((row) => row.name);
}

/**
 * The first mode of each database tries every candidate: an allow-list may let through some and
 * not others, and it is the same for every role. The others try one: what refuses a role (the
 * guard lets its admin through) shows with any extension.
 */
function triedBy(target: ModeTarget, all: readonly ModeTarget[], offered: readonly string[]): readonly string[] {
    const first = all.find((mode) => mode.database === target.database);
    return first === undefined || first.mode === target.mode ? offered : offered.slice(0, 1);
}

export async function checkExtensionCreation(client: Client, target: ModeTarget, all: readonly ModeTarget[]): Promise<ExtensionOutcome> {
    const offered = await candidates(client);
    if (offered.length === 0) return { note: "no trusted extension left to CREATE", problems: [] };
    const tried = triedBy(target, all, offered);
    const created: string[] = [];
    for (const extension of tried) {
        // Any failure leaves the extension uncreated: a refusal by the guard or an allow-list, or a missing dependency.
        if ((await attempt(client, `CREATE EXTENSION ${id(extension)} SCHEMA ${id(target.schemas[0])}`)).allowed) created.push(extension);
    }
    const what = tried.length === 1 ? `CREATE EXTENSION ${tried[0]}` : `CREATE EXTENSION of ${tried.length} trusted extensions`;
    if (created.length === 0) return { note: `${what} refused`, problems: [] };
    const neighbours = all.filter((other) => other.mode !== target.mode && other.database === target.database).map((other) => other.mode);
    if (neighbours.length === 0) {
        return {
            note: `${what}: ${created.join(", ")} allowed, in its own database ${target.database} only (no other mode has schemas there)`,
            problems: [],
        };
    }
    return {
        note: "",
        problems: [
            `${target.role} may CREATE EXTENSION ${created.join(", ")} (trusted) in database ${target.database}, into any schema of it, ` +
                `mode ${neighbours.join(", ")}'s included: nothing on this server refuses it (no extension guard, no allow-list); ` +
                'see docs/security.md, "Managed servers"',
        ],
    };
}
