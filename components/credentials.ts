import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ModeLayout } from "../lib/layout";

/** `passwordRotation` and `apiKeyRotation` are keepers: changing one generates a new value. */
export type ModeCredentialSpec = Pick<ModeLayout, "name" | "passwordRotation" | "apiKeyRotation">;

export interface CredentialsArgs {
    /** One role password and one API key per entry. */
    modes: ModeCredentialSpec[];
}

// URL-safe characters only, as sst does: the values are still percent-encoded in URLs, but they
// also travel through `.env` files and shells where `$`, quotes and `#` would need care.
const PASSWORD_OPTIONS = { length: 32, special: true, overrideSpecial: "-_" };
const API_KEY_OPTIONS = { length: 40, special: false };

/**
 * Every generated credential of the stack, replacing the seeds' credential generator. The admin
 * password is not among them: it must outlive `pulumi destroy` (the kept data directory holds it),
 * so it lives in the stack config (`hive-db:adminPassword`). Each output is a Pulumi secret;
 * rotating one mode touches only that mode's resources.
 */
export class Credentials extends pulumi.ComponentResource {
    /** Role password per mode. */
    public readonly rolePasswords: Record<string, pulumi.Output<string>> = {};
    /** API key per mode, `hive_<mode>_<random>` as the seeds' mode-prefixed keys. */
    public readonly apiKeys: Record<string, pulumi.Output<string>> = {};

    constructor(name: string, args: CredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hive-db:random:Credentials", name, {}, opts);
        const childOpts = { parent: this, provider: new random.Provider(`${name}-random`, {}, { parent: this }) };

        for (const spec of args.modes) {
            const password = new random.RandomPassword(
                `${name}-${spec.name}-password`,
                { ...PASSWORD_OPTIONS, keepers: { rotation: String(spec.passwordRotation) } },
                childOpts,
            );
            const apiKey = new random.RandomPassword(
                `${name}-${spec.name}-api-key`,
                { ...API_KEY_OPTIONS, keepers: { rotation: String(spec.apiKeyRotation) } },
                childOpts,
            );
            this.rolePasswords[spec.name] = pulumi.secret(password.result);
            this.apiKeys[spec.name] = pulumi.secret(pulumi.interpolate`hive_${spec.name}_${apiKey.result}`);
        }
        this.registerOutputs({ rolePasswords: this.rolePasswords, apiKeys: this.apiKeys });
    }
}
