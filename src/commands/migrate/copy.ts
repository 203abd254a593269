/**
 * Moves one table's rows from the source to the target with COPY (pg-copy-streams), in text
 * format: every type, vector included, travels as its text form, which both servers read and write
 * the same way under the session settings. Reports progress on long tables.
 */
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

import type { Client } from "pg";
import { escapeIdentifier as id } from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";

import { copyColumns } from "./ddl";
import type { PlannedTable } from "./plan";

const NEWLINE = 0x0a;

/** Counts rows as they pass (in COPY's text format each row ends with the only raw newline it has). */
function rowCounter(onRows: (rows: number) => void): Transform {
    let rows = 0;
    return new Transform({
        transform(chunk: Buffer, _encoding, done) {
            for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) rows += 1;
            onRows(rows);
            done(null, chunk);
        },
    });
}

export interface CopyProgress {
    /** Called at most every `intervalMs` while rows flow. */
    onProgress: (rows: number) => void;
    intervalMs: number;
}

/** Copies the table's rows; returns how many rows went through. */
export async function copyTable(source: Client, target: Client, table: PlannedTable, progress: CopyProgress): Promise<number> {
    const columns = copyColumns(table);
    const from = `${id(table.source.schema)}.${id(table.source.name)}`;
    const to = `${id(table.schema)}.${id(table.source.name)}`;
    let copied = 0;
    let reported = Date.now();
    const counter = rowCounter((rows) => {
        copied = rows;
        if (Date.now() - reported >= progress.intervalMs) {
            reported = Date.now();
            progress.onProgress(rows);
        }
    });
    await pipeline(
        source.query(copyTo(`COPY ${from} (${columns}) TO STDOUT`)),
        counter,
        target.query(copyFrom(`COPY ${to} (${columns}) FROM STDIN`)),
    );
    return copied;
}
