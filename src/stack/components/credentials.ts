import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { apiKeyFor, deriveCredential } from "../model/credential-derivation";
import type { ModeLayout } from "../model/layout";

/** Bumping `passwordRotation` or `apiKeyRotation` derives a new value for that mode. */
export type ModeCredentialSpec = Pick<ModeLayout, "name" | "passwordRotation" | "apiKeyRotation">;

export interface CredentialsArgs {
    /** One role password and one API key per entry. */
    modes: ModeCredentialSpec[];
}

/** The seed every per-mode credential derives from (src/stack/model/credential-derivation.ts): 64 characters, about 380 bits. */
const SEED_OPTIONS = { length: 64, special: false };

/**
 * Every generated credential of the stack, replacing the seeds' credential generator: one random
 * seed, and per mode a role password and an API key derived from it. The admin password is not
 * among them: it must outlive `pulumi destroy` (the kept data directory holds it), so it lives in
 * the stack config (`hive-db:adminPassword`). Each output is a Pulumi secret; bumping a mode's
 * rotation counter changes that mode's value and nothing else.
 */
export class Credentials extends pulumi.ComponentResource {
    /** Role password per mode. */
    public readonly rolePasswords: Record<string, pulumi.Output<string>> = {};
    /** API key per mode, `hive_<mode>_<secret>` as the seeds' mode-prefixed keys. */
    public readonly apiKeys: Record<string, pulumi.Output<string>> = {};

    constructor(name: string, args: CredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hive-db:random:Credentials", name, {}, opts);
        const provider = new random.Provider(`${name}-random`, {}, { parent: this });
        const seed = new random.RandomPassword(`${name}-seed`, SEED_OPTIONS, { parent: this, provider }).result;
        for (const spec of args.modes) {
            this.rolePasswords[spec.name] = pulumi.secret(
                seed.apply((value) => deriveCredential(value, "role-password", spec.name, spec.passwordRotation)),
            );
            this.apiKeys[spec.name] = pulumi.secret(seed.apply((value) => apiKeyFor(value, spec.name, spec.apiKeyRotation)));
        }
        this.registerOutputs({ rolePasswords: this.rolePasswords, apiKeys: this.apiKeys });
    }
}
