/**
 * What a backup holds, decided before anything runs: one pg_dump archive per mode (its schemas,
 * nothing of another mode's), grouped by database so the dumps of one database share one snapshot.
 * And where it goes. Pure.
 */
import { homedir } from "node:os";
import { join } from "node:path";

import type { Layout, ModeLayout } from "../../../stack/model/layout";

export interface BackupSelection {
    kind: "modes" | "databases" | "all";
    /** Mode or database names; empty for `all`. */
    names: string[];
}

export interface PlannedDump {
    mode: string;
    role: string;
    database: string;
    schemas: string[];
    /** Relative to the backup directory: `<mode>.dump`, or `<database>/<mode>.dump` for a database's backup. */
    file: string;
}

/** The one selection of `--mode M...`, `--database D...` or `--all`; undefined with none of them. */
export function selectionOf(values: { mode?: string[]; database?: string[]; all?: boolean }): BackupSelection | string {
    const given = [values.mode?.length ? "--mode" : "", values.database?.length ? "--database" : "", values.all ? "--all" : ""].filter(
        (flag) => flag !== "",
    );
    if (given.length !== 1) {
        return given.length === 0
            ? "say what to back up: --mode M (repeatable), --database D (repeatable) or --all"
            : `give one of ${given.join(", ")}`;
    }
    if (values.all) return { kind: "all", names: [] };
    return values.mode?.length
        ? { kind: "modes", names: [...new Set(values.mode)] }
        : { kind: "databases", names: [...new Set(values.database)] };
}

const dumpOf = (mode: ModeLayout, file: string): PlannedDump => ({
    mode: mode.name,
    role: mode.role,
    database: mode.database,
    schemas: [...mode.schemas],
    file,
});

/** The dumps of a selection, in the layout's mode order; problems name what the stack does not have. */
export function planDumps(selection: BackupSelection, layout: Layout): { dumps: PlannedDump[]; problems: string[] } {
    const modes = layout.modes;
    if (selection.kind === "all") return { dumps: modes.map((mode) => dumpOf(mode, `${mode.name}.dump`)), problems: [] };
    if (selection.kind === "modes") {
        const problems = selection.names
            .filter((name) => !modes.some((mode) => mode.name === name))
            .map((name) => `--mode ${name}: the stack's modes are ${modes.map((mode) => mode.name).join(", ")}`);
        const dumps = modes.filter((mode) => selection.names.includes(mode.name)).map((mode) => dumpOf(mode, `${mode.name}.dump`));
        return { dumps, problems };
    }
    const problems = selection.names
        .filter((name) => !modes.some((mode) => mode.database === name))
        .map((name) => `--database ${name}: no mode of the stack lives there (its databases: ${layout.databases.join(", ")})`);
    const dumps = modes
        .filter((mode) => selection.names.includes(mode.database))
        .map((mode) => dumpOf(mode, `${mode.database}/${mode.name}.dump`));
    return { dumps, problems };
}

/** The dumps by database, in first-seen order: each group is dumped in one snapshot. */
export function byDatabase<T extends { database: string }>(dumps: readonly T[]): Array<[string, T[]]> {
    const groups = new Map<string, T[]>();
    for (const dump of dumps) groups.set(dump.database, [...(groups.get(dump.database) ?? []), dump]);
    return [...groups.entries()];
}

/**
 * Where backups go unless `--out` says: $HIVE_DB_BACKUP_DIR, else $XDG_DATA_HOME/hive-db/backups,
 * else ~/.local/share/hive-db/backups; one folder per stack.
 */
export function backupRoot(env: NodeJS.ProcessEnv = process.env): string {
    const nonEmpty = (value: string | undefined) => (value === "" ? undefined : value);
    return (
        nonEmpty(env.HIVE_DB_BACKUP_DIR) ?? join(nonEmpty(env.XDG_DATA_HOME) ?? join(homedir(), ".local", "share"), "hive-db", "backups")
    );
}

/** `<root>/<stack>/<UTC time>-<label>`, e.g. `…/dev/20261127T101530.042Z-before-restore`. */
export function defaultBackupDirectory(stack: string, label: string, now: Date, root = backupRoot()): string {
    const stamp = now.toISOString().replace(/[-:]/g, "");
    return join(root, stack, `${stamp}-${label}`);
}
