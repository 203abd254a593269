/**
 * Whether a restore may run, decided before anything is changed: which mode receives each dump
 * (its own mode by name, another one only with --from-mode), which schemas map onto which, and
 * what the target server must have (the backup's major version or newer, the extensions the dumped
 * objects use, in the same schema, and empty schemas unless --replace). Pure.
 */
import type { Layout, ModeLayout } from "../../../stack/model/layout";
import type { Manifest, ManifestDump, ManifestExtension } from "./manifest";

export interface RestoreItem {
    dump: ManifestDump;
    /** The target mode. */
    mode: ModeLayout;
    /** Source schema → target schema, position by position. */
    schemaMap: Record<string, string>;
}

export interface RestoreOptions {
    /** --mode: the target mode (default: the dump's own). */
    mode?: string;
    /** --from-mode: the acknowledgement that the dump is another mode's. */
    fromMode?: string;
    replace: boolean;
}

/** What the target server has, per target database and mode. */
export interface TargetFacts {
    major: number;
    /** Installed extensions, by database. */
    extensions: Record<string, ManifestExtension[]>;
    /** Existing objects in each target mode's schemas (`agent.items (table)`), by mode. */
    occupied: Record<string, string[]>;
    /** Target schemas that do not exist, by mode. */
    missingSchemas: Record<string, string[]>;
}

export const renames = (item: RestoreItem) => Object.entries(item.schemaMap).some(([from, to]) => from !== to);

function itemFor(dump: ManifestDump, layout: Layout, options: RestoreOptions, single: boolean): RestoreItem | string {
    const targetName = options.mode ?? dump.mode;
    if (options.mode !== undefined && !single)
        return "--mode names one target mode: restore one dump file with it, not a directory of several";
    const mode = layout.modes.find((candidate) => candidate.name === targetName);
    if (mode === undefined)
        return `${dump.file}: the target stack has no mode ${targetName} (its modes: ${layout.modes.map((m) => m.name).join(", ")})`;
    if (options.fromMode !== undefined && options.fromMode !== dump.mode) {
        return `--from-mode ${options.fromMode}: ${dump.file} holds mode ${dump.mode}'s data`;
    }
    if (targetName !== dump.mode && options.fromMode === undefined) {
        return (
            `${dump.file} holds mode ${dump.mode}'s data (schemas ${dump.schemas.join(", ")}): restoring it into mode ${targetName} ` +
            `(schemas ${mode.schemas.join(", ")}) needs --from-mode ${dump.mode}`
        );
    }
    if (dump.schemas.length !== mode.schemas.length) {
        return `${dump.file} holds ${dump.schemas.length} schema(s) (${dump.schemas.join(", ")}), mode ${mode.name} has ${mode.schemas.length} (${mode.schemas.join(", ")}): they cannot be mapped one to one`;
    }
    return { dump, mode, schemaMap: Object.fromEntries(dump.schemas.map((schema, index) => [schema, mode.schemas[index]])) };
}

/** The restore's items, or every reason it cannot run on this layout. */
export function planRestore(
    dumps: readonly ManifestDump[],
    layout: Layout,
    options: RestoreOptions,
): { items: RestoreItem[]; problems: string[] } {
    const items: RestoreItem[] = [];
    const problems: string[] = [];
    for (const dump of dumps) {
        const item = itemFor(dump, layout, options, dumps.length === 1);
        if (typeof item === "string") problems.push(item);
        else items.push(item);
    }
    const targets = items.map((item) => item.mode.name);
    for (const twice of new Set(targets.filter((name, index) => targets.indexOf(name) !== index))) {
        problems.push(`two dumps would both be restored into mode ${twice}: restore them one at a time`);
    }
    return { items, problems: [...new Set(problems)] };
}

function extensionProblems(item: RestoreItem, installed: readonly ManifestExtension[]): string[] {
    return item.dump.requires.flatMap((needed) => {
        const found = installed.find((extension) => extension.name === needed.name);
        const where = `database ${item.mode.database} of the target`;
        if (found === undefined)
            return [`${item.dump.file} needs extension ${needed.name} (${needed.version} when backed up), which ${where} lacks`];
        if (found.schema !== needed.schema) {
            return [
                `${item.dump.file} needs extension ${needed.name} in schema ${needed.schema}; in ${where} it is in schema ${found.schema}`,
            ];
        }
        return [];
    });
}

/** Why the target cannot take these items; empty when it can. */
export function targetProblems(items: readonly RestoreItem[], facts: TargetFacts, manifest: Manifest, replace: boolean): string[] {
    const problems: string[] = [];
    if (facts.major < manifest.server.major) {
        problems.push(
            `the backup is from PostgreSQL ${manifest.server.major}; the target runs PostgreSQL ${facts.major}, which cannot read it`,
        );
    }
    for (const item of items) {
        const missing = facts.missingSchemas[item.mode.name] ?? [];
        if (missing.length > 0) {
            problems.push(
                `schema(s) ${missing.join(", ")} of mode ${item.mode.name} do not exist on the target: bring its stack up first (npm run up)`,
            );
        }
        problems.push(...extensionProblems(item, facts.extensions[item.mode.database] ?? []));
        const occupied = facts.occupied[item.mode.name] ?? [];
        if (occupied.length > 0 && !replace) {
            const shown = occupied.slice(0, 5).join(", ") + (occupied.length > 5 ? `, and ${occupied.length - 5} more` : "");
            problems.push(`mode ${item.mode.name}'s schemas hold data (${shown}): restore --replace replaces it, after backing it up`);
        }
    }
    return problems;
}
