/**
 * Upgrade records: one JSON file per upgrade, `<backup root>/<stack>/upgrades/<time>.json`, written
 * before the switch, so `npm run db -- upgrade --back` knows which image and data to return to.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { backupRoot } from "../backup/plan";
import type { UpgradeRecord } from "./upgrade-plan";

export function recordsDirectory(stack: string, root = backupRoot()): string {
    return join(root, stack, "upgrades");
}

export function writeRecord(record: UpgradeRecord, root?: string): string {
    const directory = recordsDirectory(record.stack, root);
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const path = join(directory, `${record.at.replace(/[-:]/g, "")}.json`);
    writeFileSync(path, JSON.stringify(record, null, 2) + "\n", { mode: 0o600, flag: "wx" });
    return path;
}

/** The stack's upgrade records, newest first; unreadable files are skipped. */
export function readRecords(stack: string, root?: string): Array<{ path: string; record: UpgradeRecord }> {
    const directory = recordsDirectory(stack, root);
    let files: string[];
    try {
        files = readdirSync(directory).filter((file) => file.endsWith(".json"));
    } catch {
        return [];
    }
    return files
        .sort()
        .reverse()
        .flatMap((file) => {
            try {
                return [{ path: join(directory, file), record: JSON.parse(readFileSync(join(directory, file), "utf8")) as UpgradeRecord }];
            } catch {
                return [];
            }
        });
}
