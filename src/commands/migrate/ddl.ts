/**
 * The statements that recreate a plan's objects in the target, in the order that lets each one
 * resolve what it names: enums, sequences, tables (defaults name their sequences), OWNED BY; after the
 * data: sequence values, constraints (foreign keys last), indexes. Pure. Names inside definitions are
 * unqualified and resolve through the migration's search_path.
 */
import { escapeIdentifier as id, escapeLiteral as literal } from "pg";

import type { SourceColumn, SourceSequence } from "./catalog";
import type { MigrationPlan, PlannedTable } from "./plan";

const at = (schema: string, name: string) => `${id(schema)}.${id(name)}`;

function sequenceOptions(sequence: SourceSequence): string {
    return (
        `INCREMENT BY ${sequence.increment} MINVALUE ${sequence.min} MAXVALUE ${sequence.max} ` +
        `START WITH ${sequence.start} CACHE ${sequence.cache} ${sequence.cycle ? "CYCLE" : "NO CYCLE"}`
    );
}

function columnSql(column: SourceColumn, identity: { schema: string; sequence?: SourceSequence }): string {
    const parts = [id(column.name), column.type];
    if (column.collation !== undefined) parts.push(`COLLATE ${column.collation}`);
    if (column.generated !== "") {
        parts.push(`GENERATED ALWAYS AS (${column.default}) ${column.generated === "s" ? "STORED" : "VIRTUAL"}`);
    } else if (column.identity !== "" && identity.sequence !== undefined) {
        const kind = column.identity === "a" ? "ALWAYS" : "BY DEFAULT";
        const name = at(identity.schema, identity.sequence.name);
        parts.push(`GENERATED ${kind} AS IDENTITY (SEQUENCE NAME ${name} ${sequenceOptions(identity.sequence)})`);
    } else if (column.default !== undefined) {
        parts.push(`DEFAULT ${column.default}`);
    }
    if (column.notNull) parts.push("NOT NULL");
    return parts.join(" ");
}

export function createTableSql(table: PlannedTable, sequences: MigrationPlan["sequences"]): string {
    const identityOf = (column: string) =>
        sequences.find((entry) => entry.table === table && entry.source.owner?.kind === "i" && entry.source.owner.column === column)
            ?.source;
    const columns = table.source.columns.map((column) => columnSql(column, { schema: table.schema, sequence: identityOf(column.name) }));
    return `CREATE TABLE ${at(table.schema, table.source.name)} (\n    ${columns.join(",\n    ")}\n)`;
}

/** Everything before the data: enums, sequences, tables, serial sequences' OWNED BY. */
export function schemaStatements(plan: MigrationPlan): string[] {
    const enums = plan.enums
        .filter((entry) => entry.action === "create")
        .map((entry) => `CREATE TYPE ${at(entry.schema, entry.source.name)} AS ENUM (${entry.source.labels.map(literal).join(", ")})`);
    const sequences = plan.sequences
        .filter((entry) => entry.source.owner?.kind !== "i")
        .map(
            (entry) =>
                `CREATE SEQUENCE ${at(entry.schema, entry.source.name)} AS ${entry.source.dataType} ${sequenceOptions(entry.source)}`,
        );
    const tables = plan.tables.filter((table) => table.action === "copy").map((table) => createTableSql(table, plan.sequences));
    const ownedBy = plan.sequences.flatMap((entry) =>
        entry.table !== undefined && entry.source.owner?.kind === "a"
            ? [
                  `ALTER SEQUENCE ${at(entry.schema, entry.source.name)} OWNED BY ${at(entry.table.schema, entry.table.source.name)}.${id(entry.source.owner.column)}`,
              ]
            : [],
    );
    return [...enums, ...sequences, ...tables, ...ownedBy];
}

/** One statement after the data, with what it does for the progress log (sequence values need none). */
export interface FinishingStatement {
    sql: string;
    what?: string;
}

/** Everything after the data: sequence values, constraints (foreign keys last), indexes. */
export function finishingStatements(plan: MigrationPlan): FinishingStatement[] {
    const values = plan.sequences.map((entry) => ({
        sql: `SELECT setval(${literal(at(entry.schema, entry.source.name))}, ${entry.source.lastValue}, ${entry.source.isCalled ? "true" : "false"})`,
    }));
    const ordered = [...plan.constraints].sort((a, b) => Number(a.source.type === "f") - Number(b.source.type === "f"));
    const constraints = ordered.map(({ source, table }) => ({
        sql: `ALTER TABLE ${at(table.schema, table.source.name)} ADD CONSTRAINT ${id(source.name)} ${source.definition}`,
        what: `constraint ${source.name} on ${table.schema}.${table.source.name}`,
    }));
    const indexes = plan.indexes.map(({ source, table, tail }) => ({
        sql: `CREATE ${source.unique ? "UNIQUE " : ""}INDEX ${id(source.name)} ON ${at(table.schema, table.source.name)}${tail}`,
        what: `index ${source.name} on ${table.schema}.${table.source.name}`,
    }));
    return [...values, ...constraints, ...indexes];
}

/** The columns COPY moves: all but generated ones, which the target computes itself. */
export function copyColumns(table: PlannedTable): string {
    return table.source.columns
        .filter((column) => column.generated === "")
        .map((column) => id(column.name))
        .join(", ");
}
