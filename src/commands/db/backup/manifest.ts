/**
 * A backup's manifest (`manifest.json` beside its dump files): what each dump holds and the proof a
 * restore checks against — per-table row counts and checksums read in the dump's own snapshot, the
 * file's SHA-256, the server and extension versions. One contract (a zod schema), read and written here.
 */
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { isAbsolute, join, normalize } from "node:path";

import { z } from "zod";

import { CommandError } from "../../../shared/cli";

export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_FORMAT = "hive-db-backup/1";

const name = z.string().min(1);
/** A path inside the backup directory: relative, no `..`. */
const innerPath = name.refine((path) => !isAbsolute(path) && !normalize(path).startsWith(".."), "must stay inside the backup directory");

const tableSchema = z.object({ schema: name, name, rows: z.number().int().min(0), checksum: z.string().regex(/^-?\d+$/) });
const extensionSchema = z.object({ name, version: name, schema: name });

const dumpSchema = z.object({
    /** The pg_dump archive (custom format), relative to the manifest. */
    file: innerPath,
    mode: name,
    role: name,
    database: name,
    /** The mode's schemas, all of them in this one archive. */
    schemas: z.array(name).min(1),
    tables: z.array(tableSchema),
    /** Extensions the dumped objects use (a column type, an operator class): the target must have them. */
    requires: z.array(extensionSchema),
    /** Names of the column options its tables carry (a target that rejects one gets the script without it). */
    attributeOptions: z.array(name),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    bytes: z.number().int().min(0),
    seconds: z.number().min(0),
});

export const manifestSchema = z.object({
    format: z.literal(MANIFEST_FORMAT),
    /** The stack it was taken from. */
    stack: name,
    createdAt: z.iso.datetime(),
    /** Why: `backup`, or the destructive act it came before. */
    reason: name,
    /** What was asked for: modes, a database's modes, or all. */
    selection: z.object({ kind: z.enum(["modes", "databases", "all"]), names: z.array(name) }),
    server: z.object({ version: name, major: z.number().int().min(9) }),
    /** `pg_dump --version` of the tool that wrote the archives. */
    tool: name,
    extensionsSchema: name,
    /** Every extension installed in each dumped database, with its version. */
    extensions: z.record(z.string(), z.array(extensionSchema)),
    dumps: z.array(dumpSchema).min(1),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestDump = Manifest["dumps"][number];
export type ManifestTable = ManifestDump["tables"][number];
export type ManifestExtension = z.infer<typeof extensionSchema>;

/** A manifest that is missing or does not hold: nothing was restored. */
export class ManifestError extends CommandError {}

export function parseManifest(text: string, source: string): Manifest {
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch {
        throw new ManifestError(`${source} is not JSON: not a hive-db backup manifest`);
    }
    const parsed = manifestSchema.safeParse(raw);
    if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`);
        throw new ManifestError(`${source} is not a hive-db backup manifest (${MANIFEST_FORMAT}):\n  - ${problems.join("\n  - ")}`);
    }
    return parsed.data;
}

export function readManifest(directory: string): Manifest {
    const path = join(directory, MANIFEST_FILE);
    let text: string;
    try {
        text = readFileSync(path, "utf8");
    } catch (error) {
        throw new ManifestError(
            `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "unreadable"}): a backup directory holds one`,
        );
    }
    return parseManifest(text, path);
}

/** SHA-256 of a file, hex. */
export function fileSha256(path: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const hash = createHash("sha256");
        createReadStream(path)
            .on("data", (chunk) => hash.update(chunk))
            .on("error", reject)
            .on("end", () => resolve(hash.digest("hex")));
    });
}

/** Dumps whose file no longer has the manifest's SHA-256 (tampered, truncated, missing). */
export async function alteredDumps(directory: string, dumps: readonly ManifestDump[]): Promise<string[]> {
    const problems: string[] = [];
    for (const dump of dumps) {
        const actual = await fileSha256(join(directory, dump.file)).catch((error: NodeJS.ErrnoException) => `unreadable (${error.code})`);
        if (actual !== dump.sha256) {
            problems.push(
                `${dump.file}: ${actual.startsWith("unreadable") ? actual : "its SHA-256 is not the manifest's (altered or incomplete)"}`,
            );
        }
    }
    return problems;
}
