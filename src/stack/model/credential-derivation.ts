/**
 * Per-mode credentials derived from one random seed: HMAC-SHA256(seed, purpose, mode, rotation).
 * Each value is as unpredictable as a random one of its length to anyone without the seed, yet the
 * stack needs one random resource instead of two per mode (every resource costs `pulumi up` time),
 * and bumping a mode's rotation counter changes that mode's value alone.
 */
import { createHmac } from "node:crypto";

export type CredentialPurpose = "role-password" | "api-key";

/** 43 URL-safe characters (256 bits): fine in URLs, `.env` files and shells without quoting. */
export function deriveCredential(seed: string, purpose: CredentialPurpose, mode: string, rotation: number): string {
    return createHmac("sha256", seed)
        .update(JSON.stringify([purpose, mode, rotation]))
        .digest("base64url");
}

/** The seeds' mode-prefixed API key: `hive_<mode>_<secret>`. */
export function apiKeyFor(seed: string, mode: string, rotation: number): string {
    return `hive_${mode}_${deriveCredential(seed, "api-key", mode, rotation)}`;
}
