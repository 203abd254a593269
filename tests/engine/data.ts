/**
 * Rows the engine tests write through the stack's own URLs and read back after each lifecycle step:
 * the proof that no step lost or locked out the data.
 */
import { strict as assert } from "node:assert";

import type { StackOutputs } from "../../src/stack/model/outputs";
import { validateStackOutputs } from "../../src/commands/common/stack-outputs";
import { allPassed, formatReport, verifyStack } from "../../src/commands/verify/verify-stack";
import { parseLibpqUrl } from "../../src/commands/verify/targets";
import { withClient } from "../integration/helpers";

const TOKENS = ["alpha", "beta", "gamma"];

/** As the agent role, through its URL: a table with a serial key and a vector column. */
export async function writeRows(outputs: StackOutputs): Promise<void> {
    await withClient(parseLibpqUrl(outputs.libpqUrls.agent), async (client) => {
        await client.query("CREATE TABLE memories (id serial PRIMARY KEY, token text NOT NULL, embedding vector(3))");
        for (const [index, token] of TOKENS.entries()) {
            await client.query("INSERT INTO memories (token, embedding) VALUES ($1, $2)", [token, `[${index},1,2]`]);
        }
    });
}

/** The rows written by `writeRows`, read through the agent's current URL. */
export async function assertRowsIntact(outputs: StackOutputs): Promise<void> {
    const rows = await withClient(parseLibpqUrl(outputs.libpqUrls.agent), async (client) => {
        const { rows } = await client.query<{ token: string }>("SELECT token FROM memories ORDER BY id");
        return rows.map((row) => row.token);
    });
    assert.deepEqual(rows, TOKENS);
}

/** `npm run verify` on the stack's outputs: every check passes, every URL connects. */
export async function assertVerifyPasses(outputs: StackOutputs): Promise<void> {
    const results = await verifyStack(validateStackOutputs(outputs));
    assert.ok(
        allPassed(results),
        formatReport(results, (text) => text),
    );
}
