/**
 * The migration's pure half: where schemas land, when it refuses, what a second run skips, and the
 * statements that recreate the objects (identity, generated and collated columns; foreign keys
 * after the other constraints; index definitions moved onto the target table).
 */
import { strict as assert } from "node:assert";

import type { SourceCatalog, SourceTable } from "../../src/commands/migrate/catalog";
import { createTableSql, finishingStatements, schemaStatements } from "../../src/commands/migrate/ddl";
import { indexTail, type PlanInput, planMigration } from "../../src/commands/migrate/plan";
import { defaultChoices, mapSchemas, parseSchemaChoice } from "../../src/commands/migrate/schemas";
import type { TargetState } from "../../src/commands/migrate/target";

// prettier-ignore
const DOCUMENTS: SourceTable = {
    oid: 1, schema: "public", name: "documents",
    columns: [
        { name: "id", type: "integer", notNull: true, default: "nextval('documents_id_seq'::regclass)", identity: "", generated: "" },
        { name: "title", type: "text", notNull: true, identity: "", generated: "", collation: 'pg_catalog."C"' },
        { name: "embedding", type: "vector(3)", notNull: false, identity: "", generated: "" },
        { name: "twice", type: "integer", notNull: false, default: "(id * 2)", identity: "", generated: "s" },
    ],
};
// prettier-ignore
const CHUNKS: SourceTable = {
    oid: 2, schema: "public", name: "chunks",
    columns: [{ name: "id", type: "bigint", notNull: true, identity: "d", generated: "" }, { name: "document_id", type: "integer", notNull: true, identity: "", generated: "" }],
};
const SEQUENCE = { dataType: "integer", start: "1", increment: "1", min: "1", max: "2147483647", cache: "1", cycle: false, isCalled: true };

// prettier-ignore
const CATALOG: SourceCatalog = {
    serverVersion: "16.4",
    tables: [DOCUMENTS, CHUNKS],
    sequences: [
        { ...SEQUENCE, schema: "public", name: "documents_id_seq", lastValue: "1037", owner: { table: 1, column: "id", kind: "a" } },
        { ...SEQUENCE, schema: "public", name: "chunks_id_seq", dataType: "bigint", lastValue: "3000", owner: { table: 2, column: "id", kind: "i" } },
        { ...SEQUENCE, schema: "public", name: "ticket_seq", lastValue: "105" },
    ],
    constraints: [
        { table: 2, name: "chunks_document_id_fkey", type: "f", definition: "FOREIGN KEY (document_id) REFERENCES documents(id)" },
        { table: 1, name: "documents_pkey", type: "p", definition: "PRIMARY KEY (id)" },
    ],
    indexes: [{
        table: 1, name: "documents_embedding_hnsw", unique: false, quotedName: "documents_embedding_hnsw", quotedTable: "public.documents",
        definition: "CREATE INDEX documents_embedding_hnsw ON public.documents USING hnsw (embedding vector_l2_ops) WITH (m='8')",
    }],
    enums: [{ schema: "public", name: "mood", labels: ["calm", "busy"] }],
};

function target(overrides: Partial<TargetState> = {}): TargetState {
    return {
        role: "hive_agent",
        schemas: [{ name: "agent", exists: true, canCreate: true }],
        relationNames: new Set(),
        typeNames: new Set(),
        enums: new Map(),
        extensions: new Map([["vector", { schema: "extensions", usable: true }]]),
        existingTables: new Map(),
        ...overrides,
    };
}

function input(overrides: Partial<PlanInput> = {}): PlanInput {
    return {
        catalog: CATALOG,
        sums: new Map([
            [1, { rows: 1000, checksum: "42" }],
            [2, { rows: 3000, checksum: "7" }],
        ]),
        mapping: { public: "agent" },
        unsupported: [],
        dependencies: { extensions: ["vector"], outside: [] },
        target: target(),
        ...overrides,
    };
}

describe("migrate: where the schemas land", () => {
    it("a schema the mode has keeps its name; any other goes to the mode's first schema", () => {
        assert.deepEqual(mapSchemas([{ source: "public" }], ["agent"]).mapping, { public: "agent" });
        assert.deepEqual(mapSchemas([{ source: "public" }, { source: "agno" }, { source: "x" }], ["public", "agno", "hive"]).mapping, {
            public: "public",
            agno: "agno",
            x: "public",
        });
        assert.match(mapSchemas([parseSchemaChoice("public:genie")], ["agent"]).problems.join(), /the mode's schemas are agent/);
        assert.throws(() => parseSchemaChoice("a:b:c"), /expected SOURCE or SOURCE:TARGET/);
    });

    it("by default: every schema of a per-mode database, only the mode's own of a shared-layout one", () => {
        const sources = (available: string[], mode: string[]) => defaultChoices(available, mode).map((choice) => choice.source);
        assert.deepEqual(sources(["public", "agno", "hive"], ["agent"]), ["public", "agno", "hive"]);
        assert.deepEqual(sources(["public", "agno", "hive", "agent", "genie"], ["agent"]), ["agent"]);
        assert.deepEqual(sources(["public", "agno", "hive", "agent", "genie"], ["public", "agno", "hive"]), ["public", "agno", "hive"]);
        assert.deepEqual(sources(["public", "agno", "hive"], ["public", "agno", "hive"]), ["public", "agno", "hive"]);
    });
});

describe("migrate: the plan", () => {
    it("copies every table into an empty schema, with its sequences, constraints and indexes", () => {
        const plan = planMigration(input());
        assert.deepEqual(plan.problems, []);
        assert.deepEqual(
            plan.tables.map((table) => `${table.action} ${table.schema}.${table.source.name}`),
            ["copy agent.documents", "copy agent.chunks"],
        );
        assert.deepEqual(
            plan.sequences.map((entry) => entry.source.name),
            ["documents_id_seq", "chunks_id_seq", "ticket_seq"],
        );
        assert.equal(indexTail(CATALOG.indexes[0]), " USING hnsw (embedding vector_l2_ops) WITH (m='8')");
    });

    it("skips a table already there with the same columns and rows (a second run)", () => {
        const columns = DOCUMENTS.columns.map((column) => `${column.name} ${column.type}`);
        const existingTables = new Map([["agent.documents", { columns, rows: 1000, checksum: "42" }]]);
        const relationNames = new Set([
            "agent.documents",
            "agent.documents_id_seq",
            "agent.documents_pkey",
            "agent.documents_embedding_hnsw",
        ]);
        const plan = planMigration(input({ target: target({ existingTables, relationNames }) }));
        assert.deepEqual(plan.problems, []);
        assert.deepEqual(
            plan.tables.map((table) => table.action),
            ["skip", "copy"],
        );
        assert.deepEqual(plan.indexes, []);
        assert.deepEqual(
            plan.constraints.map((entry) => entry.source.name),
            ["chunks_document_id_fkey"],
        );
    });
});

describe("migrate: what the plan refuses", () => {
    it("refuses a table with other rows, a taken name, objects it cannot copy and a missing extension", () => {
        const existingTables = new Map([["agent.documents", { columns: ["id integer"], rows: 1, checksum: "1" }]]);
        const relationNames = new Set(["agent.documents", "agent.chunks_id_seq"]);
        const plan = planMigration(
            input({
                target: target({ existingTables, relationNames, extensions: new Map() }),
                unsupported: ["view public.recent"],
                dependencies: { extensions: ["vector"], outside: ["table other.t (schema other)"] },
            }),
        );
        assert.deepEqual(
            plan.problems.map((problem) => problem.split(":")[0].split(" exists")[0]),
            [
                "the source has objects this migration does not copy",
                "copied objects refer to objects outside the migrated schemas",
                "the target database lacks extension vector",
                "agent.documents",
                "agent already has chunks_id_seq, which copying chunks would create",
            ],
        );
    });

    it("refuses two source schemas that would put one name twice into the mode's schema", () => {
        const catalog = { ...CATALOG, tables: [DOCUMENTS, { ...DOCUMENTS, oid: 3, schema: "agno" }] };
        const plan = planMigration(input({ catalog, mapping: { public: "agent", agno: "agent" } }));
        assert.match(plan.problems.join(), /public\.documents and agno\.documents would both become agent\.documents/);
    });
});

describe("migrate: the statements", () => {
    const plan = planMigration(input());

    it("recreates identity, generated and collated columns and serial defaults", () => {
        assert.equal(
            createTableSql(plan.tables[0], plan.sequences),
            'CREATE TABLE "agent"."documents" (\n    "id" integer DEFAULT nextval(\'documents_id_seq\'::regclass) NOT NULL,\n' +
                '    "title" text COLLATE pg_catalog."C" NOT NULL,\n    "embedding" vector(3),\n    "twice" integer GENERATED ALWAYS AS ((id * 2)) STORED\n)',
        );
        assert.match(
            createTableSql(plan.tables[1], plan.sequences),
            /"id" bigint GENERATED BY DEFAULT AS IDENTITY \(SEQUENCE NAME "agent"\."chunks_id_seq" INCREMENT BY 1 /,
        );
    });

    it("creates enums and sequences first, then tables, then OWNED BY", () => {
        const statements = schemaStatements(plan).map((statement) => statement.split(" (")[0].split(" AS ")[0]);
        assert.deepEqual(statements, [
            'CREATE TYPE "agent"."mood"',
            'CREATE SEQUENCE "agent"."documents_id_seq"',
            'CREATE SEQUENCE "agent"."ticket_seq"',
            'CREATE TABLE "agent"."documents"',
            'CREATE TABLE "agent"."chunks"',
            'ALTER SEQUENCE "agent"."documents_id_seq" OWNED BY "agent"."documents"."id"',
        ]);
    });

    it("after the data: sequence values, constraints with foreign keys last, indexes on the target table", () => {
        const statements = finishingStatements(plan).map((statement) => statement.sql);
        assert.deepEqual(statements.slice(0, 3), [
            `SELECT setval('"agent"."documents_id_seq"', 1037, true)`,
            `SELECT setval('"agent"."chunks_id_seq"', 3000, true)`,
            `SELECT setval('"agent"."ticket_seq"', 105, true)`,
        ]);
        assert.match(statements[3], /ADD CONSTRAINT "documents_pkey" PRIMARY KEY/);
        assert.match(statements[4], /ADD CONSTRAINT "chunks_document_id_fkey" FOREIGN KEY/);
        assert.equal(
            statements[5],
            `CREATE INDEX "documents_embedding_hnsw" ON "agent"."documents" USING hnsw (embedding vector_l2_ops) WITH (m='8')`,
        );
    });
});
