/**
 * One table's row count and an order-independent checksum of its rows: the sum of a 64-bit slice
 * of each row's md5, over the row's text form. Both ends compute it under the same session settings
 * (SESSION_SETTINGS), so equal data gives equal sums whatever the physical row order.
 */
import type { Client } from "pg";
import { escapeIdentifier as id } from "pg";

export interface TableSum {
    rows: number;
    checksum: string;
}

/**
 * Settings that fix every value's text form on both servers: dates, time zones, floats, bytea,
 * money. COPY's text format and the checksum both depend on them.
 */
export const SESSION_SETTINGS: ReadonlyArray<[string, string]> = [
    ["DateStyle", "ISO, MDY"],
    ["IntervalStyle", "postgres"],
    ["TimeZone", "UTC"],
    ["extra_float_digits", "1"],
    ["bytea_output", "hex"],
    ["lc_monetary", "C"],
];

/** `SET LOCAL` statements for SESSION_SETTINGS and a search_path (inside a transaction). */
export function sessionSql(searchPath: readonly string[]): string {
    const settings = SESSION_SETTINGS.map(([name, value]) => `SET LOCAL ${name} = '${value}';`);
    return [...settings, `SET LOCAL search_path = ${searchPath.map((schema) => id(schema)).join(", ")};`].join("\n");
}

/** The query of a table's TableSum (`rows`, `checksum` as text): node-postgres runs it, and so does the SQL a restore verifies with. */
export function tableSumSql(schema: string, table: string): string {
    return `SELECT count(*)::text AS rows,
                coalesce(sum(('x' || substr(md5(ROW(r.*)::text), 1, 16))::bit(64)::bigint::numeric), 0)::text AS checksum
         FROM ${id(schema)}.${id(table)} AS r`;
}

export async function tableSum(client: Client, schema: string, table: string): Promise<TableSum> {
    const { rows } = await client.query<{ rows: string; checksum: string }>(tableSumSql(schema, table));
    return { rows: Number(rows[0].rows), checksum: rows[0].checksum };
}
