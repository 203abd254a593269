/**
 * The stack config as the engine hands it to the program. The only module that reads Pulumi's
 * runtime state for config, so `parseConfig` stays a pure function of what is returned here.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * The SDK's own record of which keys were set with `--secret` (PULUMI_CONFIG_SECRET_KEYS, filled
 * by the language host and by `setAllConfig(config, secretKeys)` under mocks). It is exported at
 * runtime but left out of the typings, hence the guarded `require`.
 */
type SecretCheck = (key: string) => boolean;
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: SecretCheck };

/** Every config value, and the keys among them the engine marked secret. */
export function readStackConfig(): { values: Record<string, string>; secretKeys: string[] } {
    const isSecret = runtimeConfig.isConfigSecret;
    if (typeof isSecret !== "function") {
        // Without it a plain admin password would pass as a secret: refuse to guess.
        throw new Error("@pulumi/pulumi no longer provides runtime/config isConfigSecret; update src/stack/config/engine-config.ts");
    }
    const values = pulumi.runtime.allConfig();
    // allConfig() has cleaned `ns:config:key` to `ns:key`; the secret keys are as the engine sent them.
    const secretKeys = Object.keys(values).filter((key) => isSecret(key) || isSecret(key.replace(":", ":config:")));
    return { values, secretKeys };
}
