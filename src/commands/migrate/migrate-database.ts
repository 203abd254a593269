/**
 * `npm run migrate`: copies a legacy per-mode database (the agent's on 35532, the genie's on 45532)
 * into its mode's schema of the shared database, with its data. The source is read in one
 * read-only snapshot by a read-only session; the target is written in one transaction as the mode's
 * own role, so everything it creates is that role's, and it commits only after every table's row
 * count and checksum match the source's. A refusal or a failure leaves both sides as they were.
 */
import type { Client, ClientConfig } from "pg";

import { openSession } from "../../shared/pg-session";
import { describeError, sqlState } from "../verify/sql";
import { readCatalog } from "./catalog";
import { sessionSql, type TableSum, tableSum } from "./checksum";
import { copyTable } from "./copy";
import { finishingStatements, schemaStatements } from "./ddl";
import { describePlan } from "./describe";
import { type MigrationPlan, planMigration } from "./plan";
import { defaultChoices, extensionSchemas, mapSchemas, type SchemaChoice, sourceSchemas } from "./schemas";
import { dependencies, unsupportedObjects } from "./source-checks";
import { readTarget } from "./target";
import { CommandError } from "../../shared/cli";

export interface MigrateOptions {
    source: ClientConfig;
    /** The mode role's own connection to its database (its libpq URL). */
    target: ClientConfig;
    modeSchemas: readonly string[];
    /** --schema; default every schema of the source with objects of its own. */
    schemas?: readonly SchemaChoice[];
    dryRun: boolean;
    log: (line: string) => void;
    progressIntervalMs?: number;
}

export interface MigrationReport {
    plan: MigrationPlan;
    /** Copied tables with their rows and seconds; empty on a dry run. */
    copied: Array<{ table: string; rows: number; seconds: number }>;
    /** Whether the target was written (false: a dry run, or nothing left to do). */
    changed: boolean;
}

/** Nothing was changed on either side. */
export class MigrationRefused extends CommandError {
    constructor(readonly problems: string[]) {
        super(`migrate refused, nothing was changed:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    }
}

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

/** A second run: every table is there with the same rows, and nothing else is missing. */
const nothingToDo = (plan: MigrationPlan) =>
    plan.tables.every((table) => table.action === "skip") &&
    plan.sequences.length === 0 &&
    plan.enums.every((entry) => entry.action === "skip");

async function connect(config: ClientConfig, side: string, extra: ClientConfig = {}): Promise<Client> {
    try {
        return await openSession({ ...config, ...extra }, "hive-db-migrate");
    } catch (error) {
        const reason = sqlState(error) === "28P01" ? `it rejects the password for ${config.user}` : describeError(error);
        throw new MigrationRefused([`cannot connect to the ${side} at ${config.host}:${config.port}/${config.database}: ${reason}`]);
    }
}

/** Opens the source's snapshot and reads what it has; returns the plan's source half. */
async function readSource(source: Client, options: MigrateOptions) {
    await source.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const choices = options.schemas ?? defaultChoices(await sourceSchemas(source), options.modeSchemas);
    const { mapping, problems } = mapSchemas(choices, options.modeSchemas);
    if (problems.length > 0) throw new MigrationRefused(problems);
    const schemas = Object.keys(mapping);
    await source.query(sessionSql([...schemas, ...(await extensionSchemas(source)).filter((schema) => !schemas.includes(schema))]));
    const catalog = await readCatalog(source, schemas);
    const oids = catalog.tables.map((table) => table.oid);
    const sums = new Map<number, TableSum>();
    for (const table of catalog.tables) sums.set(table.oid, await tableSum(source, table.schema, table.name));
    return {
        mapping,
        catalog,
        sums,
        unsupported: await unsupportedObjects(source, schemas, oids),
        dependencies: await dependencies(source, schemas, oids),
    };
}

async function planOn(target: Client, source: Awaited<ReturnType<typeof readSource>>): Promise<MigrationPlan> {
    await target.query("BEGIN");
    const schemas = [...new Set(Object.values(source.mapping))];
    const extensions = (await extensionSchemas(target, source.dependencies.extensions)).filter((schema) => !schemas.includes(schema));
    await target.query(sessionSql([...schemas, ...extensions]));
    const candidates = source.catalog.tables.map((table) => ({ schema: source.mapping[table.schema], name: table.name }));
    return planMigration({ ...source, target: await readTarget(target, schemas, candidates) });
}

async function execute(source: Client, target: Client, plan: MigrationPlan, options: MigrateOptions): Promise<MigrationReport["copied"]> {
    for (const statement of schemaStatements(plan)) await target.query(statement);
    const copied: MigrationReport["copied"] = [];
    const tables = plan.tables.filter((table) => table.action === "copy");
    for (const [index, table] of tables.entries()) {
        const name = `${table.schema}.${table.source.name}`;
        const started = Date.now();
        options.log(`copying ${table.source.schema}.${table.source.name} → ${name} (${index + 1}/${tables.length}, ${table.rows} rows)`);
        const progress = {
            intervalMs: options.progressIntervalMs ?? 5_000,
            onProgress: (rows: number) => options.log(`  ${name}: ${rows}/${table.rows} rows`),
        };
        const rows = await copyTable(source, target, table, progress);
        copied.push({ table: name, rows, seconds: Number(seconds(started)) });
        options.log(`  ${name}: ${rows} rows in ${seconds(started)} s`);
    }
    options.log("setting sequence values, then adding constraints and building indexes");
    for (const statement of finishingStatements(plan)) {
        const started = Date.now();
        await target.query(statement.sql);
        if (statement.what !== undefined) options.log(`  ${statement.what}: ${seconds(started)} s`);
    }
    for (const table of tables) {
        const sum = await tableSum(target, table.schema, table.source.name);
        if (sum.rows !== table.rows || sum.checksum !== table.checksum) {
            throw new Error(
                `verification failed for ${table.schema}.${table.source.name}: source ${table.rows} rows (checksum ${table.checksum}), ` +
                    `target ${sum.rows} rows (checksum ${sum.checksum}); the copy was rolled back`,
            );
        }
    }
    options.log(`verified: ${tables.length} table(s) have the source's row counts and checksums`);
    return copied;
}

export async function migrate(options: MigrateOptions): Promise<MigrationReport> {
    // Read-only twice over: the session refuses writes, and so does its snapshot transaction.
    const source = await connect(options.source, "source", { options: "-c default_transaction_read_only=on" });
    let target: Client | undefined;
    try {
        const read = await readSource(source, options);
        target = await connect(options.target, "target");
        const plan = await planOn(target, read);
        describePlan(plan, read.catalog.serverVersion).forEach(options.log);
        if (plan.problems.length > 0) throw new MigrationRefused(plan.problems);
        if (options.dryRun || nothingToDo(plan)) return { plan, copied: [], changed: false };
        const copied = await execute(source, target, plan, options);
        await target.query("COMMIT");
        return { plan, copied, changed: true };
    } finally {
        // A COMMIT already ran on success; anything else is rolled back, on both sides.
        await target?.query("ROLLBACK").catch(() => undefined);
        await target?.end().catch(() => undefined);
        await source.query("ROLLBACK").catch(() => undefined);
        await source.end().catch(() => undefined);
    }
}
