/**
 * Property, against a real server of the local image: every name the identifier rules accept works
 * unquoted where the stack and the apps write it (CREATE SCHEMA, a search_path, CREATE ROLE), and
 * every keyword PostgreSQL reserves is refused. Candidates: the server's own keyword list, pg_ and
 * system names, random identifier-like names up to 66 bytes, and Unicode. And extension names,
 * quoted: the stack's own SQL creates uuid-ossp and pg_trgm, and a mode role can use them.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import type { Client } from "pg";
import { identifierProblem } from "../../src/stack/config";
import { roleNameProblem } from "../../src/stack/config/identifiers";
import { layoutOf } from "../fixtures/configs";
import { PROPERTY_RUNS, PROPERTY_SEED, replayHint } from "../fixtures/property";
import { stackSteps } from "../fixtures/stack-plan";
import { waitHealthy, withClient } from "./helpers";
import { type ImageContext, useImageContainer } from "./image-container";

/** Runs each name unquoted, in a savepoint of its own; returns "name: what failed" for the others. */
const TRY_NAMES = `
CREATE FUNCTION pg_temp.unquoted_failures(schemas text[], roles text[]) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE n text;
BEGIN
    FOREACH n IN ARRAY schemas LOOP
        BEGIN
            EXECUTE 'CREATE SCHEMA IF NOT EXISTS ' || n;
            EXECUTE 'SET LOCAL search_path TO ' || n;
            -- The unquoted name must resolve to the schema just created (SHOW may quote keywords such as int).
            IF current_schema() IS DISTINCT FROM n OR NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = n) THEN
                RETURN NEXT 'schema ' || n || ': search_path resolves to ' || coalesce(current_schema(), 'nothing');
            END IF;
        EXCEPTION WHEN others THEN RETURN NEXT 'schema ' || n || ': ' || SQLERRM;
        END;
    END LOOP;
    FOREACH n IN ARRAY roles LOOP
        BEGIN
            EXECUTE 'CREATE ROLE ' || n;
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = n) THEN RETURN NEXT 'role ' || n || ': created as another name'; END IF;
        EXCEPTION WHEN others THEN RETURN NEXT 'role ' || n || ': ' || SQLERRM;
        END;
    END LOOP;
END $$`;

async function keywords(client: Client): Promise<Array<{ word: string; catcode: string }>> {
    return (await client.query<{ word: string; catcode: string }>("SELECT word, catcode FROM pg_get_keywords()")).rows;
}

/** The server's keywords and a random sample, mostly identifier-like. */
function candidates(words: string[]): string[] {
    const candidate = fc.oneof(
        fc.constantFrom(...words),
        fc.constantFrom("public", "none", "postgres", "information_schema", "pg_catalog", "pg_x", "template1"),
        { weight: 4, arbitrary: fc.stringMatching(/^[a-z_][a-z0-9_]{0,30}$/) },
        fc.stringMatching(/^[a-z_][a-z0-9_$]{58,66}$/),
        fc.string({ unit: "binary", minLength: 1, maxLength: 8 }),
    );
    return [...new Set([...words, ...fc.sample(candidate, { numRuns: PROPERTY_RUNS * 4, seed: PROPERTY_SEED })])];
}

/** Every keyword PostgreSQL reserves (R) or keeps for types and functions (T) needs quotes: refused. */
async function reservedKeywordsAreRefused(ctx: ImageContext): Promise<void> {
    const reserved = (await withClient(ctx.asAdmin(), keywords)).filter((k) => k.catcode === "R" || k.catcode === "T");
    assert.ok(reserved.length > 50, `${reserved.length} reserved keywords`);
    assert.deepEqual(
        reserved.filter((k) => identifierProblem(k.word) === undefined).map((k) => k.word),
        [],
    );
}

/** The accepted names, each tried unquoted on the server inside one rolled-back transaction. */
async function acceptedNamesWorkUnquoted(ctx: ImageContext): Promise<void> {
    await withClient(ctx.asAdmin(), async (client) => {
        const names = candidates((await keywords(client)).map((k) => k.word));
        const schemas = names.filter((name) => identifierProblem(name) === undefined);
        const roles = schemas.filter((name) => roleNameProblem(name, { allowBootstrapSuperuser: false }) === undefined);
        assert.ok(schemas.length >= PROPERTY_RUNS, `${schemas.length} accepted names (${replayHint()})`);
        await client.query("BEGIN");
        try {
            await client.query(TRY_NAMES);
            const failures = await client.query<{ failure: string }>("SELECT f AS failure FROM pg_temp.unquoted_failures($1, $2) f", [
                schemas,
                roles,
            ]);
            assert.deepEqual(
                failures.rows.map((row) => row.failure),
                [],
                replayHint(),
            );
        } finally {
            await client.query("ROLLBACK");
        }
    });
}

/** The stack's own SQL for a layout with quoted extension names, then a mode role using them. */
async function quotedExtensionsWork(ctx: ImageContext): Promise<void> {
    const layout = layoutOf({ extensions: ["vector", "uuid-ossp", "pg_trgm"] });
    const passwords = { workspace: "pw-w", agent: "pw-a", genie: "pw-g" };
    for (const step of stackSteps(layout, passwords)) {
        await withClient(ctx.asAdmin(undefined, step.database), (client) => client.query(step.sql));
    }
    const agent = { ...ctx.asAdmin(passwords.agent, "hive"), user: "hive_agent" };
    const extensions = await withClient(agent, async (client) => {
        await client.query("SELECT uuid_generate_v4(), similarity('hive', 'hives')");
        const sql = "SELECT extname || '@' || extnamespace::regnamespace AS ext FROM pg_extension ORDER BY 1";
        return (await client.query<{ ext: string }>(sql)).rows.map((row) => row.ext);
    });
    assert.deepEqual(extensions, ["pg_trgm@extensions", "plpgsql@pg_catalog", "uuid-ossp@extensions", "vector@extensions"]);
}

describe(`identifier rules on a real server, property (${PROPERTY_RUNS} accepted names)`, () => {
    const ctx = useImageContainer();
    before(async () => {
        await waitHealthy(ctx.name);
    });

    it("refuse every keyword PostgreSQL reserves (it would need quotes)", () => reservedKeywordsAreRefused(ctx));
    it("accept only names that work unquoted as schema, search_path and role", () => acceptedNamesWorkUnquoted(ctx));
    it("create extensions whose names need quoting (uuid-ossp, pg_trgm), usable by a mode role", () => quotedExtensionsWork(ctx));
});
