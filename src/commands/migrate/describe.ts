/**
 * The plan in the user's words: what a dry run lists, and what a real run announces first.
 */
import type { MigrationPlan } from "./plan";

const CONSTRAINT_KINDS: Record<string, string> = { p: "primary key", u: "unique", x: "exclusion", c: "check", f: "foreign key" };

export function describePlan(plan: MigrationPlan, serverVersion: string): string[] {
    const mapping = Object.entries(plan.mapping).map(([source, target]) => `${source} → ${target}`);
    const lines = [`source: PostgreSQL ${serverVersion}, schemas ${mapping.join(", ")}`];
    for (const table of plan.tables) {
        const from = `${table.source.schema}.${table.source.name}`;
        const to = `${table.schema}.${table.source.name}`;
        lines.push(
            table.action === "copy"
                ? `  copy      ${from} → ${to}: ${table.rows} rows`
                : `  skip      ${from} → ${to}: already there with the same ${table.rows} rows (an earlier run)`,
        );
    }
    for (const entry of plan.enums) {
        lines.push(
            `  ${entry.action === "create" ? "enum    " : "skip enum"} ${entry.source.schema}.${entry.source.name} → ${entry.schema}.${entry.source.name}`,
        );
    }
    for (const { source, schema } of plan.sequences) {
        lines.push(
            `  sequence  ${source.schema}.${source.name} → ${schema}.${source.name} at ${source.lastValue}${source.isCalled ? "" : " (not yet used)"}`,
        );
    }
    for (const { source, table } of plan.constraints) {
        lines.push(`  constraint ${table.schema}.${table.source.name} ${source.name}: ${CONSTRAINT_KINDS[source.type] ?? source.type}`);
    }
    for (const { source, table, tail } of plan.indexes) {
        lines.push(`  index     ${table.schema}.${source.name}${tail.replace(/^ USING (\S+).*$/s, " ($1)")}`);
    }
    if (plan.tables.every((table) => table.action === "skip") && plan.problems.length === 0) {
        lines.push("nothing to copy: every table is already in the target with the same rows");
    }
    return lines;
}
