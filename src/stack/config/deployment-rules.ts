/**
 * Rules for where the server runs: the stack's own container, or an existing server. Each key only
 * applies to one of them; one set where it does nothing is an error, not a silent no-op.
 */
import { isLoopback, managedDatabases } from "../model/naming";
import { PROFILE_TRAITS } from "../model/server-profiles";
import { keyOf } from "./keys";
import type { RuleContext } from "./rule-context";
import type { HiveDbConfig } from "./schema";

/**
 * With an existing server there is no container: each `container.*` key written in the config
 * would be ignored, so it is an error (a `bindAddress: 0.0.0.0` someone believes in, for one).
 */
export function containerKeysWithServerRules(config: HiveDbConfig, { containerKeys }: RuleContext): string[] {
    if (!config.server) return [];
    return containerKeys.map(
        (key) => `${keyOf(`container.${key}`)}: only applies to the stack's own container; remove it or unset ${keyOf("server")}`,
    );
}

/** What the stack's own container requires of its keys (nothing with an existing server). */
export function containerRules(config: HiveDbConfig): string[] {
    if (config.server) return [];
    const { container } = config;
    const problems: string[] = [];
    if (!isLoopback(container.bindAddress) && !container.allowNonLoopbackBind) {
        problems.push(
            `${keyOf("container.bindAddress")}: "${container.bindAddress}" publishes PostgreSQL beyond this machine; ` +
                `use 127.0.0.1, or set ${keyOf("container.allowNonLoopbackBind")} to true to opt in`,
        );
    }
    if (container.volume !== undefined && container.dataDirectory !== undefined) {
        problems.push(
            `${keyOf("container.volume")}: does nothing with ${keyOf("container.dataDirectory")} (a bind mount instead of a volume); ` +
                "remove one of them",
        );
    }
    if (container.user !== undefined && container.dataDirectory === undefined) {
        problems.push(
            `${keyOf("container.user")}: only applies with container.dataDirectory (a bind mount); ` +
                "a named volume runs as the image's postgres user",
        );
    }
    return problems;
}

/** The sslmodes with which libpq checks a certificate (with a root certificate, `require` acts as verify-ca). */
const CERTIFICATE_CHECKING_MODES = new Set(["require", "verify-ca", "verify-full"]);

/** The provider connects to the maintenance database first: it must exist before the stack runs. */
export function serverRules(config: HiveDbConfig): string[] {
    if (!config.server) return [];
    const { maintenanceDatabase, sslmode, sslrootcert } = config.server;
    const problems: string[] = [];
    if (managedDatabases(config).includes(maintenanceDatabase) && !config.adoptDatabases.includes(maintenanceDatabase)) {
        problems.push(
            `${keyOf("server.maintenanceDatabase")}: "${maintenanceDatabase}" is created by this stack, but the provider connects ` +
                `to it before anything is created; use an existing database ("postgres"), or list it in ${keyOf("adoptDatabases")} if it exists`,
        );
    }
    // libpq checks the certificate only from `require` up: with a weaker sslmode the file does nothing.
    if (sslrootcert !== undefined && !CERTIFICATE_CHECKING_MODES.has(sslmode)) {
        problems.push(
            `${keyOf("server.sslrootcert")}: does nothing with sslmode "${sslmode}", which never checks a certificate; ` +
                `set ${keyOf("server.sslmode")} to verify-full (or verify-ca, require), or remove it`,
        );
    }
    return problems;
}

/** The sslmodes that check the server's certificate against sslrootcert. */
const VERIFYING_MODES = new Set(["verify-ca", "verify-full"]);

/**
 * A managed service requires TLS and signs its servers' certificates with its own CA: its URLs must
 * check that certificate (verify-full, or verify-ca where the certificate does not name the address
 * the apps dial), against the service's CA bundle in `sslrootcert`.
 */
export function managedTlsRules(config: HiveDbConfig): string[] {
    if (!config.server) return [];
    const { profile, sslmode, sslrootcert } = config.server;
    const traits = PROFILE_TRAITS[profile];
    if (!traits.verifiedTls) return [];
    if (!VERIFYING_MODES.has(sslmode)) {
        return [
            `${keyOf("server.sslmode")}: "${sslmode}" does not check the certificate of ${traits.service} (profile "${profile}"): ` +
                `a man in the middle could answer; use verify-full (or verify-ca) with ${keyOf("server.sslrootcert")} set to the service's CA bundle`,
        ];
    }
    if (sslrootcert === undefined) {
        return [
            `${keyOf("server.sslrootcert")}: required with profile "${profile}": the path of ${traits.service}'s CA bundle on the ` +
                'client machines (or "system" if their trusted roots include it)',
        ];
    }
    return [];
}
