/**
 * The data's move from the old server to the new: `pg_dumpall` of the NEW version (PostgreSQL's
 * advice for a major upgrade: the newer pg_dump knows how to read the old server and write what the
 * new one takes) reads the old server over the upgrade's private network, and psql writes it into
 * the new server, stopping at the first error. Everything moves: roles with their password hashes,
 * every database with its owner, schemas, extensions, tables, sequences, indexes (HNSW rebuilt),
 * grants and default privileges — so the stack's state still describes the new server exactly.
 * Skipped: CREATE ROLE for the admin, whom the new server's first start made, and column options
 * the new server rejects (attribute-options.ts).
 */
import { escapeIdentifier as id } from "pg";

import { stripOptionsSed } from "../backup/attribute-options";
import { runTool, scrubVerifiers, type ToolHost } from "../backup/tools";

const TRANSFER_SCRIPT = `set -euo pipefail
pg_dumpall --host "$OLD_HOST" --port 5432 --no-password \\
    | sed -E -e "$STRIP_OPTIONS" \\
    | grep --invert-match --line-regexp --fixed-strings --regexp "CREATE ROLE $ADMIN_BARE;" --regexp "CREATE ROLE $ADMIN_QUOTED;" \\
    | psql -X -q -v ON_ERROR_STOP=1 --no-password -d postgres -o /dev/null`;

export interface Transfer {
    /** The old server's container name on the shared network. */
    oldHost: string;
    /** Column options the new server rejects (attribute-options.ts), cut out on the way. */
    unsupportedOptions: string[];
    adminUser: string;
    log: (line: string) => void;
}

/** Runs in the new server's container (its tools are the new version); throws with psql's or pg_dumpall's error. */
export async function transferAll(newServer: ToolHost, transfer: Transfer): Promise<void> {
    await runTool(newServer, ["bash", "-c", TRANSFER_SCRIPT], {
        env: {
            OLD_HOST: transfer.oldHost,
            ADMIN_BARE: transfer.adminUser,
            ADMIN_QUOTED: id(transfer.adminUser),
            STRIP_OPTIONS: stripOptionsSed(transfer.unsupportedOptions),
        },
        onStderrLine: (line) => {
            if (/ERROR|FATAL|error:/.test(line)) transfer.log(`  ${scrubVerifiers(line)}`);
        },
    });
}
