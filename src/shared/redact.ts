/**
 * Scrubbing known secrets from anything printed: verify's report, config errors.
 *
 * PostgreSQL and driver errors can echo a connection string, a user or a query, and a URL carries
 * its password percent-encoded; so every form a secret can take is replaced, not just the raw one.
 */

export const REDACTED = "***";

export type Redactor = (text: string) => string;

/** The forms one secret can appear in: raw, percent-encoded (URL userinfo), and form-encoded. */
function secretForms(secret: string): string[] {
    return [secret, encodeURIComponent(secret), encodeURIComponent(secret).replace(/%20/g, "+")];
}

/**
 * Returns a function replacing every occurrence of every secret with `***`. Longest first, so a
 * secret that contains another is replaced whole.
 */
export function makeRedactor(secrets: Iterable<string>): Redactor {
    const forms = [...new Set([...secrets].filter((secret) => secret.length > 0).flatMap(secretForms))].sort((a, b) => b.length - a.length);
    return (text: string) => forms.reduce((scrubbed, form) => scrubbed.split(form).join(REDACTED), text);
}
