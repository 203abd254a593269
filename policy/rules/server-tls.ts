/**
 * In server mode (an existing server: the stack declares no container) every connection the stack
 * makes or hands out is encrypted: the postgresql provider's `sslmode` and the sslmode of every
 * connection URL in the stack (the extension guard's, the outputs' URLs and `.env` bodies). `disable`,
 * `allow` and `prefer` may all end up in plain text. A URL without sslmode gets libpq's `prefer`;
 * a provider without one, lib/pq's `require`. The stack's own container is exempt: its provider and
 * URLs go over loopback to a server without TLS.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";

import { TYPE } from "../../src/stack/resources";
import { BLIND, isUnknown, unwrapSecret, wireOf, wireStrings } from "../wire";

export interface ServerTlsConfig {
    /** Hosts a weak sslmode is accepted for (an old Makefile-era container on this machine). */
    plaintextHosts?: string[];
}

const WEAK_SSLMODES: ReadonlySet<string> = new Set(["disable", "allow", "prefer"]);
/** What libpq (the apps, psql) assumes when a URL has no sslmode. */
const LIBPQ_DEFAULT_SSLMODE = "prefer";
/** What the provider's driver (lib/pq) assumes when the provider has no sslmode. */
const PROVIDER_DEFAULT_SSLMODE = "require";
/** A PostgreSQL URL in any string: plain, SQLAlchemy's `postgresql+driver://`, or one line of a `.env` body. */
const POSTGRES_URLS = /postgres(?:ql)?(?:\+[a-z0-9]+)?:\/\/[^\s"'`]+/gi;

/** A connection somewhere in a resource: where, to which host, with which sslmode. */
interface Connection {
    where: string;
    host: string | undefined;
    sslmode: string;
}

function providerConnection(wire: Record<string, unknown>): Connection[] {
    const sslmode = unwrapSecret(wire.sslmode ?? wire.sslMode);
    const host = unwrapSecret(wire.host);
    if (isUnknown(sslmode) || isUnknown(host)) return [];
    const mode = typeof sslmode === "string" && sslmode !== "" ? sslmode : PROVIDER_DEFAULT_SSLMODE;
    return [{ where: "provider sslmode", host: typeof host === "string" ? host : undefined, sslmode: mode }];
}

function urlConnections(wire: Record<string, unknown>): Connection[] {
    return wireStrings(wire).flatMap((found) =>
        [...(found.value ?? "").matchAll(POSTGRES_URLS)].flatMap((match): Connection[] => {
            try {
                const url = new URL(match[0]);
                const host = url.hostname.replace(/^\[|\]$/g, "");
                return [{ where: `a URL in ${found.path}`, host, sslmode: url.searchParams.get("sslmode") ?? LIBPQ_DEFAULT_SSLMODE }];
            } catch {
                return [];
            }
        }),
    );
}

function connectionsOf(resource: PolicyResource, wire: Record<string, unknown>): Connection[] {
    return [...(resource.type === TYPE.postgresqlProvider ? providerConnection(wire) : []), ...urlConnections(wire)];
}

export const serverConnectionsUseTls: StackValidationPolicy = {
    name: "server-connections-use-tls",
    description: "With an existing server, no connection of the stack uses sslmode disable, allow or prefer.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Set hive-db:server.sslmode to verify-full (or verify-ca, require); for a server on this machine without TLS, " +
        "have the platform team list its host in server-connections-use-tls.plaintextHosts of the policy config.",
    configSchema: {
        properties: {
            plaintextHosts: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "Server hosts a weak sslmode is accepted for.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        if (args.resources.some((resource) => resource.type === TYPE.container)) {
            args.notApplicable("the stack runs its own container, reached over loopback");
        }
        const exempt = new Set(args.getConfig<ServerTlsConfig>().plaintextHosts ?? []);
        for (const resource of args.resources) {
            const wire = wireOf(resource.props);
            if (wire === undefined) {
                reportViolation(BLIND, resource.urn);
                continue;
            }
            for (const { where, host, sslmode } of connectionsOf(resource, wire)) {
                if (!WEAK_SSLMODES.has(sslmode) || (host !== undefined && exempt.has(host))) continue;
                reportViolation(`${resource.name}: ${where} uses sslmode=${sslmode} to ${host ?? "the server"}`, resource.urn);
            }
        }
    },
};
