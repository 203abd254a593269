/**
 * What counts as a credential, for the two secret rules: by the name it is stored under, or by what
 * the value itself carries.
 */
import type { WireString } from "./wire";

/**
 * A key whose last word names a credential: `password`, `encryptedPassword`, `url`, `databaseUrls`,
 * `apiKeys`, `envFiles` (a `.env` body holds URLs and keys), `token`, `secret`. Matched on the
 * key's words, so `security` or `passwordWoVersion` are not credentials.
 */
const CREDENTIAL_WORDS = /(^|_)(password|passwd|secret|token|url|dsn|api_key|env_file)s?$/;

/** `databaseUrls` → `database_urls`. */
function words(key: string): string {
    return key
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .replace(/[-.\s]+/g, "_")
        .toLowerCase();
}

export function isCredentialKey(key: string): boolean {
    return CREDENTIAL_WORDS.test(words(key));
}

/** A URL with a password in it: `scheme://user:password@host`. */
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*:[^\s/?#@]+@/i;

/** A `.env` or environment line assigning a credential (`HIVE_API_KEY=…`; `…_PASSWORD_FILE=` is a path, not one). */
const CREDENTIAL_ASSIGNMENT = /^(?:export )?[A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_KEY)=\S/m;

/** Whether a string carries a credential, whatever it is stored under. */
export function carriesCredential(value: string): boolean {
    return URL_WITH_PASSWORD.test(value) || CREDENTIAL_ASSIGNMENT.test(value);
}

/**
 * Why a string found in the engine's view must be secret and is not, or undefined. An unknown
 * value stored under a credential's name is reported too: whatever it turns out to be, nothing
 * marks it secret.
 */
export function unsecretCredential(found: WireString): string | undefined {
    if (found.secret) return undefined;
    if (found.keys.some(isCredentialKey)) return `${found.path} is a credential by name`;
    if (found.value !== undefined && carriesCredential(found.value)) return `${found.path} carries a password or key`;
    return undefined;
}
