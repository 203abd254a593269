/**
 * The pure parts of backup and restore: what a selection backs up, where it goes, which mode a dump
 * may go into, what the target must have, and the manifest's contract.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";

import { parseManifest, type Manifest, type ManifestDump } from "../../src/commands/db/backup/manifest";
import { backupRoot, defaultBackupDirectory, planDumps, selectionOf } from "../../src/commands/db/backup/plan";
import { planRestore, targetProblems, type TargetFacts } from "../../src/commands/db/backup/restore-plan";
import { beforeDumpSql, restoreList, verifyAndCommitSql } from "../../src/commands/db/backup/restore-sql";
import { DEFAULT_CONFIG, layoutOf, SEED_004_CONFIG } from "../fixtures/configs";

const LAYOUT = layoutOf(DEFAULT_CONFIG);

function dumpOf(mode: string, schemas: string[], extra: Partial<ManifestDump> = {}): ManifestDump {
    return {
        file: `${mode}.dump`,
        mode,
        role: `hive_${mode}`,
        database: "hive",
        schemas,
        tables: [{ schema: schemas[0], name: "items", rows: 3, checksum: "-42" }],
        requires: [{ name: "vector", version: "0.8.0", schema: "extensions" }],
        attributeOptions: [],
        sha256: "0".repeat(64),
        bytes: 100,
        seconds: 0.1,
        ...extra,
    };
}

function manifestOf(dumps: ManifestDump[], major = 17): Manifest {
    return {
        format: "hive-db-backup/1",
        stack: "dev",
        createdAt: "2026-11-27T10:15:30.042Z",
        reason: "backup",
        selection: { kind: "modes", names: dumps.map((dump) => dump.mode) },
        server: { version: `${major}.6`, major },
        tool: `pg_dump (PostgreSQL) ${major}.6`,
        extensionsSchema: "extensions",
        extensions: { hive: [{ name: "vector", version: "0.8.0", schema: "extensions" }] },
        dumps,
    };
}

describe("backup selection and plan", () => {
    it("one of --mode, --database, --all; each mode's own schemas in a file of its own", () => {
        assert.match(selectionOf({}) as string, /say what to back up/);
        assert.match(selectionOf({ mode: ["agent"], all: true }) as string, /give one of --mode, --all/);
        const { dumps, problems } = planDumps({ kind: "modes", names: ["genie", "workspace"] }, LAYOUT);
        assert.deepEqual(problems, []);
        assert.deepEqual(
            dumps.map((dump) => [dump.file, dump.role, dump.database, dump.schemas.join(",")]),
            [
                ["workspace.dump", "hive_workspace", "hive", "public,agno,hive"],
                ["genie.dump", "hive_genie", "hive", "genie"],
            ],
        );
        assert.deepEqual(
            planDumps({ kind: "all", names: [] }, LAYOUT).dumps.map((dump) => dump.mode),
            LAYOUT.modes.map((mode) => mode.name),
        );
    });

    it("--database: every mode of that database, in a folder of its own; unknown names are problems", () => {
        const seed004 = layoutOf(SEED_004_CONFIG);
        const database = seed004.modes[seed004.modes.length - 1].database;
        const { dumps } = planDumps({ kind: "databases", names: [database] }, seed004);
        const expected = seed004.modes.filter((mode) => mode.database === database);
        assert.ok(expected.length > 0);
        assert.deepEqual(
            dumps.map((dump) => dump.file),
            expected.map((mode) => `${database}/${mode.name}.dump`),
        );
        assert.deepEqual(planDumps({ kind: "modes", names: ["nope"] }, LAYOUT).problems, [
            "--mode nope: the stack's modes are workspace, agent, genie",
        ]);
        assert.match(
            planDumps({ kind: "databases", names: ["nope"] }, LAYOUT).problems[0],
            /--database nope: no mode of the stack lives there/,
        );
    });

    it("the default place: $HIVE_DB_BACKUP_DIR, else XDG, else ~/.local/share; per stack, time-stamped", () => {
        assert.equal(backupRoot({ HIVE_DB_BACKUP_DIR: "/b", XDG_DATA_HOME: "/x" }), "/b");
        assert.equal(backupRoot({ HIVE_DB_BACKUP_DIR: "", XDG_DATA_HOME: "/x" }), join("/x", "hive-db", "backups"));
        assert.equal(
            defaultBackupDirectory("dev", "before-restore-replace", new Date("2026-11-27T10:15:30.042Z"), "/b"),
            "/b/dev/20261127T101530.042Z-before-restore-replace",
        );
    });
});

describe("restore plan", () => {
    const agent = dumpOf("agent", ["agent"]);

    it("a dump goes into its own mode; another mode only with --from-mode, schema by schema", () => {
        assert.deepEqual(planRestore([agent], LAYOUT, { replace: false }).items[0].schemaMap, { agent: "agent" });
        assert.match(
            planRestore([agent], LAYOUT, { mode: "genie", replace: false }).problems[0],
            /holds mode agent's data .* needs --from-mode agent/,
        );
        const told = planRestore([agent], LAYOUT, { mode: "genie", fromMode: "agent", replace: false });
        assert.deepEqual([told.problems, told.items[0].mode.role, told.items[0].schemaMap], [[], "hive_genie", { agent: "genie" }]);
        assert.match(
            planRestore([agent], LAYOUT, { mode: "workspace", fromMode: "agent", replace: false }).problems[0],
            /cannot be mapped one to one/,
        );
        assert.match(
            planRestore([agent, dumpOf("genie", ["genie"])], LAYOUT, { mode: "genie", replace: false }).problems[0],
            /--mode names one target mode/,
        );
        assert.match(planRestore([dumpOf("ghost", ["ghost"])], LAYOUT, { replace: false }).problems[0], /has no mode ghost/);
    });

    it("the target: an older major, a missing or misplaced extension, missing schemas, data without --replace", () => {
        const items = planRestore([agent], LAYOUT, { replace: false }).items;
        const facts = (changes: Partial<TargetFacts>): TargetFacts => ({
            major: 17,
            extensions: { hive: [{ name: "vector", version: "0.8.1", schema: "extensions" }] },
            occupied: { agent: [] },
            missingSchemas: { agent: [] },
            ...changes,
        });
        assert.deepEqual(targetProblems(items, facts({}), manifestOf([agent]), false), []);
        assert.match(
            targetProblems(items, facts({ major: 16 }), manifestOf([agent]), false)[0],
            /from PostgreSQL 17; the target runs PostgreSQL 16/,
        );
        assert.match(
            targetProblems(items, facts({ extensions: { hive: [] } }), manifestOf([agent]), false)[0],
            /needs extension vector .* lacks/,
        );
        const misplaced = { hive: [{ name: "vector", version: "0.8.0", schema: "public" }] };
        assert.match(targetProblems(items, facts({ extensions: misplaced }), manifestOf([agent]), false)[0], /in schema public/);
        assert.match(targetProblems(items, facts({ missingSchemas: { agent: ["agent"] } }), manifestOf([agent]), false)[0], /npm run up/);
        const occupied = facts({ occupied: { agent: ["agent.a (table)", "agent.b (table)"] } });
        assert.match(
            targetProblems(items, occupied, manifestOf([agent]), false)[0],
            /hold data \(agent\.a \(table\), agent\.b \(table\)\): restore --replace/,
        );
        assert.deepEqual(targetProblems(items, occupied, manifestOf([agent]), true), []);
    });
});

describe("the manifest", () => {
    it("parses its own form and names each field that does not hold", () => {
        const manifest = manifestOf([dumpOf("agent", ["agent"])]);
        assert.deepEqual(parseManifest(JSON.stringify(manifest), "m.json"), manifest);
        const broken = { ...manifest, format: "other", dumps: [{ ...manifest.dumps[0], file: "../../etc/passwd", sha256: "x" }] };
        assert.throws(
            () => parseManifest(JSON.stringify(broken), "m.json"),
            (error: Error) =>
                /^m\.json is not a hive-db backup manifest/.test(error.message) &&
                /format:/.test(error.message) &&
                /dumps\.0\.file: must stay inside/.test(error.message) &&
                /dumps\.0\.sha256/.test(error.message),
        );
        assert.throws(() => parseManifest("{", "m.json"), /m\.json is not JSON/);
    });
});

describe("the restore script around pg_restore", () => {
    it("keeps every archive entry but the schemas themselves (the stack's, with their grants)", () => {
        const toc = [
            ";",
            "; Archive created at 2026-11-27 10:15:30 UTC",
            "6; 2615 16390 SCHEMA - agent hive_agent",
            "3390; 0 0 COMMENT - SCHEMA agent hive_agent",
            "3391; 0 0 ACL - SCHEMA agent hive_agent",
            "220; 1259 16392 TABLE agent documents hive_agent",
            "3380; 0 16392 TABLE DATA agent documents hive_agent",
            "3201; 1259 16400 INDEX agent documents_embedding_hnsw hive_agent",
            "219; 1259 16391 SEQUENCE agent documents_id_seq hive_agent",
            "221; 1259 16393 TABLE agent schema_notes hive_agent",
        ].join("\n");
        const kept = restoreList(toc).split("\n");
        assert.deepEqual(
            kept.filter((line) => !line.startsWith(";")),
            [
                "220; 1259 16392 TABLE agent documents hive_agent",
                "3380; 0 16392 TABLE DATA agent documents hive_agent",
                "3201; 1259 16400 INDEX agent documents_embedding_hnsw hive_agent",
                "219; 1259 16391 SEQUENCE agent documents_id_seq hive_agent",
                "221; 1259 16393 TABLE agent schema_notes hive_agent",
            ],
        );
    });

    it("checks each table in its target schema, and only --replace empties the schemas first", () => {
        const [item] = planRestore([dumpOf("agent", ["agent"])], LAYOUT, { mode: "genie", fromMode: "agent", replace: true }).items;
        const verify = verifyAndCommitSql([item]);
        assert.match(verify, /FROM "genie"\."items" AS r/);
        assert.doesNotMatch(verify, /"agent"\."items"/);
        assert.match(verify, /\('3', '-42'\)/);
        assert.ok(verify.indexOf("RAISE EXCEPTION") < verify.indexOf("COMMIT;"));
        assert.match(beforeDumpSql(item, true), /^SET ROLE "hive_genie";\nDO \$hive_db_clear\$/);
        assert.equal(beforeDumpSql(item, false), 'SET ROLE "hive_genie";\n');
    });
});
