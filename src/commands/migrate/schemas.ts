/**
 * Which schemas of the legacy database are migrated, and where each lands among the mode's schemas:
 * a schema of the same name if the mode has one (workspace's public, agno, hive), else the mode's
 * first schema (a per-mode database's `public` becomes `agent`).
 */
import type { Client } from "pg";
import { CommandError } from "../../shared/cli";

export interface SchemaChoice {
    source: string;
    /** Explicit target (`--schema public:agent`); default by the rule above. */
    target?: string;
}

/** `public` or `public:agent` as given to --schema. */
export function parseSchemaChoice(text: string): SchemaChoice {
    const [source, target, ...rest] = text.split(":");
    if (!source || rest.length > 0 || target === "") throw new CommandError(`--schema ${text}: expected SOURCE or SOURCE:TARGET`);
    return { source, target };
}

export function mapSchemas(
    choices: readonly SchemaChoice[],
    modeSchemas: readonly string[],
): { mapping: Record<string, string>; problems: string[] } {
    const mapping: Record<string, string> = {};
    const problems: string[] = [];
    for (const choice of choices) {
        const target = choice.target ?? (modeSchemas.includes(choice.source) ? choice.source : modeSchemas[0]);
        if (!modeSchemas.includes(target))
            problems.push(`--schema ${choice.source}:${target}: the mode's schemas are ${modeSchemas.join(", ")}`);
        mapping[choice.source] = target;
    }
    if (choices.length === 0) problems.push("the source has no schema with tables or types of its own: nothing to migrate");
    return { mapping, problems };
}

/**
 * The schemas copied when --schema is not given. A source that has schemas named like the mode's own
 * is a database of the shared layout (the shared plan's `hive` with `agent` and `genie` in it): only
 * those are the mode's. Otherwise (a per-mode database) every schema with objects of its own is.
 */
export function defaultChoices(available: readonly string[], modeSchemas: readonly string[]): SchemaChoice[] {
    // `public` is every database's: only the mode's other schemas say which layout this is.
    const sharedLayout = available.some((schema) => schema !== "public" && modeSchemas.includes(schema));
    return available.filter((schema) => !sharedLayout || modeSchemas.includes(schema)).map((source) => ({ source }));
}

/** Schemas of the source with objects of their own (not only an extension's, as `public` with `vector` alone). */
export async function sourceSchemas(client: Client): Promise<string[]> {
    const { rows } = await client.query<{ name: string }>(`
        SELECT n.nspname AS name FROM pg_namespace n
        WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
          AND (EXISTS (SELECT FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'c')
                       AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e'))
               OR EXISTS (SELECT FROM pg_type t WHERE t.typnamespace = n.oid AND t.typtype IN ('e', 'd', 'r')
                       AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')))
        ORDER BY n.nspname <> 'public', n.nspname`);
    return rows.map((row) => row.name);
}

/** Schemas holding extensions: on the search_path of both sides, so extension types print and resolve unqualified. */
export async function extensionSchemas(client: Client, extensions?: readonly string[]): Promise<string[]> {
    const { rows } = await client.query<{ name: string }>(
        `SELECT DISTINCT n.nspname AS name FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
         WHERE n.nspname <> 'pg_catalog' AND ($1::text[] IS NULL OR e.extname = ANY($1)) ORDER BY 1`,
        [extensions ?? null],
    );
    return rows.map((row) => row.name);
}
