/**
 * The secrets inside a stack's outputs (passwords in URLs, API keys, `.env` values), so everything a
 * command prints about those outputs can be scrubbed of them.
 */
import { parse } from "pg-connection-string";

import { makeRedactor } from "../../shared/redact";
import type { StackOutputs } from "../../stack/model/outputs";

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

/** The redactor for everything printed about these outputs. */
export function redactorFor(outputs: StackOutputs): (text: string) => string {
    return makeRedactor(secretsInOutputs(outputs));
}
