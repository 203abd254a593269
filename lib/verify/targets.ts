/**
 * What verify needs per mode, derived from the stack outputs: the role, where it lives, and the
 * connection its libpq URL describes (parsed with pg-connection-string, as node-postgres does).
 */
import type { ClientConfig } from "pg";
import { parse } from "pg-connection-string";

import { parseLibpqUrl } from "../pg-session";

export { parseLibpqUrl };

import type { StackOutputs } from "./input";
import { type ReadableMode, readSearchPaths } from "../layout";

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

/** The modes as read access sees them, from the public outputs. */
export function readableModes(outputs: StackOutputs): ReadableMode[] {
    return outputs.modeNames.map((name) => ({
        name,
        database: outputs.databases[name],
        schemas: outputs.schemas[name],
        readers: outputs.readers[name] ?? [],
    }));
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

/** Every password and API key in the outputs, in the forms they were written. */
export function secretsInOutputs(outputs: StackOutputs): string[] {
    const readUrls = [...Object.values(outputs.readUrls), ...Object.values(outputs.readLibpqUrls)].flatMap((urls) => Object.values(urls));
    const urls = [...Object.values(outputs.libpqUrls), ...Object.values(outputs.databaseUrls), ...readUrls];
    const fromUrls = urls.flatMap((url) => {
        const literal = /^[a-z+]+:\/\/[^:@/?#]*:([^@/?#]*)@/i.exec(url)?.[1];
        let decoded: string | undefined;
        try {
            decoded = parse(url).password;
        } catch {
            decoded = undefined;
        }
        return [literal, decoded];
    });
    // Env files carry API keys and the same URLs; keys that look secret are scrubbed too.
    const fromEnvFiles = Object.values(outputs.envFiles ?? {}).flatMap((body) =>
        body.split("\n").map((line) => /^\s*[A-Z0-9_]*(PASSWORD|SECRET|TOKEN|KEY)[A-Z0-9_]*\s*=\s*["']?(.*?)["']?\s*$/i.exec(line)?.[2]),
    );
    const apiKeys = Object.values(outputs.apiKeys ?? {});
    return [...fromUrls, ...fromEnvFiles, ...apiKeys].filter((secret): secret is string => !!secret);
}
