/**
 * The migration plan: which source schema lands in which of the mode's schemas, and for each table,
 * sequence and enum whether it is copied or is already there; plus every reason not to go on.
 * Pure: the source catalog and the target's state in, the plan out.
 */
import type { SourceCatalog, SourceConstraint, SourceEnum, SourceIndex, SourceSequence, SourceTable } from "./catalog";
import type { TableSum } from "./checksum";
import type { SourceDependencies } from "./source-checks";
import { qualified, type TargetState } from "./target";

export interface PlannedTable extends TableSum {
    source: SourceTable;
    /** Target schema. */
    schema: string;
    /** `skip`: the target has this table already, with the same columns and rows (an earlier run). */
    action: "copy" | "skip";
}

export interface PlannedIndex {
    source: SourceIndex;
    table: PlannedTable;
    /** pg_get_indexdef after the table name: ` USING hnsw (embedding vector_l2_ops) WITH (m='8')`. */
    tail: string;
}

export interface MigrationPlan {
    /** Source schema → target schema. */
    mapping: Record<string, string>;
    tables: PlannedTable[];
    /** Sequences to create (standalone ones the target lacks, and those of copied tables). */
    sequences: Array<{ source: SourceSequence; schema: string; table?: PlannedTable }>;
    enums: Array<{ source: SourceEnum; schema: string; action: "create" | "skip" }>;
    constraints: Array<{ source: SourceConstraint; table: PlannedTable }>;
    indexes: PlannedIndex[];
    /** Why the migration must not run; empty when it may. */
    problems: string[];
}

export interface PlanInput {
    catalog: SourceCatalog;
    sums: ReadonlyMap<number, TableSum>;
    mapping: Record<string, string>;
    unsupported: readonly string[];
    dependencies: SourceDependencies;
    target: TargetState;
}

/** The index definition after `ON <schema>.<table>`, or undefined when it is not in the expected form. */
export function indexTail(index: SourceIndex): string | undefined {
    const prefix = `CREATE ${index.unique ? "UNIQUE " : ""}INDEX ${index.quotedName} ON ${index.quotedTable} USING `;
    return index.definition.startsWith(prefix) ? index.definition.slice(prefix.length - " USING ".length) : undefined;
}

function sameColumns(table: SourceTable, existing: readonly string[]): boolean {
    const wanted = table.columns.map((column) => `${column.name} ${column.type}`);
    return wanted.length === existing.length && wanted.every((column, index) => column === existing[index]);
}

function planTable(input: PlanInput, source: SourceTable, problems: string[]): PlannedTable {
    const schema = input.mapping[source.schema];
    const sum = input.sums.get(source.oid) ?? { rows: 0, checksum: "0" };
    const existing = input.target.existingTables.get(qualified(schema, source.name));
    if (existing === undefined) return { source, schema, action: "copy", ...sum };
    if (sameColumns(source, existing.columns) && existing.rows === sum.rows && existing.checksum === sum.checksum) {
        return { source, schema, action: "skip", ...sum };
    }
    problems.push(
        `${schema}.${source.name} exists in the target with ${existing.rows} row(s) that are not ${source.schema}.${source.name}'s ` +
            `${sum.rows}: the migration never overwrites a table. Move it aside or drop it yourself if it holds nothing you need`,
    );
    return { source, schema, action: "skip", ...sum };
}

/** Names a copied table brings into its schema: the table (and its row type), its sequences and indexes. */
function namesOf(table: PlannedTable, input: PlanInput): string[] {
    const { catalog } = input;
    const indexes = catalog.indexes.filter((index) => index.table === table.source.oid).map((index) => index.name);
    const constraintIndexes = catalog.constraints
        .filter((constraint) => constraint.table === table.source.oid && ["p", "u", "x"].includes(constraint.type))
        .map((constraint) => constraint.name);
    const sequences = catalog.sequences.filter((sequence) => sequence.owner?.table === table.source.oid).map((sequence) => sequence.name);
    return [table.source.name, ...indexes, ...constraintIndexes, ...sequences];
}

function planObjects(input: PlanInput, tables: PlannedTable[], problems: string[]): Omit<MigrationPlan, "mapping" | "tables" | "problems"> {
    const { catalog, mapping, target } = input;
    const copied = new Map(tables.filter((table) => table.action === "copy").map((table) => [table.source.oid, table]));
    const taken = (schema: string, name: string) =>
        target.relationNames.has(qualified(schema, name)) || target.typeNames.has(qualified(schema, name));
    for (const table of copied.values()) {
        const clashes = namesOf(table, input).filter((name) => taken(table.schema, name));
        if (clashes.length > 0)
            problems.push(`${table.schema} already has ${clashes.join(", ")}, which copying ${table.source.name} would create`);
    }
    const sequences: MigrationPlan["sequences"] = [];
    for (const source of catalog.sequences) {
        const schema = mapping[source.schema];
        const table = source.owner === undefined ? undefined : copied.get(source.owner.table);
        if (source.owner !== undefined ? table !== undefined : !taken(schema, source.name)) sequences.push({ source, schema, table });
    }
    const enums = catalog.enums.map((source) => {
        const schema = mapping[source.schema];
        const labels = target.enums.get(qualified(schema, source.name));
        if (labels === undefined) {
            if (taken(schema, source.name)) problems.push(`${schema}.${source.name} exists in the target and is not an enum`);
            return { source, schema, action: "create" as const };
        }
        if (labels.join("\n") !== source.labels.join("\n"))
            problems.push(`enum ${schema}.${source.name} exists in the target with other labels`);
        return { source, schema, action: "skip" as const };
    });
    const constraints = catalog.constraints.flatMap((source) => {
        const table = copied.get(source.table);
        return table ? [{ source, table }] : [];
    });
    const indexes = catalog.indexes.flatMap((source) => {
        const table = copied.get(source.table);
        if (table === undefined) return [];
        const tail = indexTail(source);
        if (tail === undefined) problems.push(`cannot read the definition of index ${source.name}: ${source.definition}`);
        return tail === undefined ? [] : [{ source, table, tail }];
    });
    return { sequences, enums, constraints, indexes };
}

function targetProblems(input: PlanInput): string[] {
    const { target, dependencies } = input;
    const problems: string[] = [];
    for (const schema of target.schemas) {
        if (!schema.exists) problems.push(`schema ${schema.name} does not exist in the target: bring the stack up first (npm run up)`);
        else if (!schema.canCreate) problems.push(`${target.role} may not create objects in schema ${schema.name}`);
    }
    for (const name of dependencies.extensions) {
        const extension = target.extensions.get(name);
        if (extension === undefined)
            problems.push(`the target database lacks extension ${name}: add it to hive-db:extensions and run npm run up`);
        else if (!extension.usable) {
            problems.push(
                `extension ${name} is in schema ${extension.schema} of the target, which ${target.role} cannot use: ` +
                    "move it to the extensions schema (npm run adopt -- --finish does)",
            );
        }
    }
    return problems;
}

function sourceProblems(input: PlanInput): string[] {
    const problems: string[] = [];
    if (input.unsupported.length > 0) {
        problems.push(
            `the source has objects this migration does not copy: ${input.unsupported.join(", ")}. ` +
                "Migrate only tables (--schema), or recreate these by hand afterwards",
        );
    }
    if (input.dependencies.outside.length > 0) {
        problems.push(
            `copied objects refer to objects outside the migrated schemas: ${input.dependencies.outside.join(", ")} (add their schema with --schema)`,
        );
    }
    const seen = new Map<string, string>();
    for (const object of [
        ...input.catalog.tables,
        ...input.catalog.enums,
        ...input.catalog.sequences.filter((s) => s.owner === undefined),
    ]) {
        const key = qualified(input.mapping[object.schema], object.name);
        const other = seen.get(key);
        if (other !== undefined) problems.push(`${other} and ${object.schema}.${object.name} would both become ${key}`);
        seen.set(key, `${object.schema}.${object.name}`);
    }
    return problems;
}

export function planMigration(input: PlanInput): MigrationPlan {
    const problems = [...sourceProblems(input), ...targetProblems(input)];
    const tables = input.catalog.tables.map((table) => planTable(input, table, problems));
    return { mapping: input.mapping, tables, ...planObjects(input, tables, problems), problems };
}
