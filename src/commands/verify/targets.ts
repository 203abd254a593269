/**
 * What verify needs per mode, derived from the stack outputs: the role, where it lives, and the
 * connection its libpq URL describes (parsed with pg-connection-string, as node-postgres does).
 */
import type { ClientConfig } from "pg";

import { parseLibpqUrl } from "../../shared/pg-session";

export { parseLibpqUrl };

import { readSearchPaths } from "../../stack/model/layout";
import type { StackOutputs } from "../../stack/model/outputs";
import { readableModes } from "../common/stack-outputs";

/** One read connection of a mode into another mode's database (`readUrls`, seed 004). */
export interface ReadTarget {
    database: string;
    /** What the outputs' schemas and readers say its search_path must be. */
    searchPath: string[];
    sqlalchemyUrl: string;
    libpqUrl: string;
    connection?: ClientConfig;
    urlError?: string;
}

export interface ModeTarget {
    mode: string;
    role: string;
    database: string;
    schemas: string[];
    searchPath: string[];
    /** Modes allowed to SELECT in this mode's schemas. */
    readers: string[];
    libpqUrl: string;
    sqlalchemyUrl: string;
    envFile?: string;
    /** The connection the libpq URL describes; undefined when the URL does not parse. */
    connection?: ClientConfig;
    /** Why `connection` is missing, without the URL in it. */
    urlError?: string;
    /** Its read connections into other databases. */
    reads: ReadTarget[];
}

/** Parses `url` into `target.connection`, or says why not in `target.urlError`. */
function withConnection<T extends { connection?: ClientConfig; urlError?: string }>(target: T, url: string, field: string): T {
    try {
        target.connection = parseLibpqUrl(url);
    } catch (error) {
        target.urlError = `${field} does not parse: ${(error as Error).message}`;
    }
    return target;
}

function readTargets(outputs: StackOutputs, mode: string, expected: Record<string, string[]>): ReadTarget[] {
    return Object.entries(expected).map(([database, searchPath]) => {
        const libpqUrl = outputs.readLibpqUrls[mode]?.[database] ?? "";
        const read = { database, searchPath, libpqUrl, sqlalchemyUrl: outputs.readUrls[mode]?.[database] ?? "" };
        return withConnection<ReadTarget>(read, libpqUrl, `readLibpqUrls.${mode}.${database}`);
    });
}

export function modeTargets(outputs: StackOutputs): ModeTarget[] {
    const reads = readSearchPaths(readableModes(outputs), outputs.extensionsSchema);
    return outputs.modeNames.map((mode) => {
        const target: ModeTarget = {
            mode,
            role: outputs.roles[mode],
            database: outputs.databases[mode],
            schemas: outputs.schemas[mode],
            searchPath: outputs.searchPaths[mode],
            readers: outputs.readers[mode] ?? [],
            libpqUrl: outputs.libpqUrls[mode],
            sqlalchemyUrl: outputs.databaseUrls[mode],
            envFile: outputs.envFiles?.[mode],
            reads: readTargets(outputs, mode, reads[mode]),
        };
        return withConnection(target, target.libpqUrl, `libpqUrls.${mode}`);
    });
}

/**
 * The URL minus its password, for a command line: every local user can read a process's
 * arguments, so psql gets the password through PGPASSWORD instead. The rest of the URL (user,
 * host, port, database, the encoded `options`) is exactly what libpq is meant to parse.
 */
export function withoutPassword(url: string): string {
    return url.replace(/^([a-z+]+:\/\/[^:@/?#]*):[^@/?#]*@/i, "$1@");
}
