/**
 * Why the program's first connection to a server failed, when the failure is the config's and not
 * the network's: a certificate the root certificate does not vouch for, a certificate that does not
 * name the host, a server that insists on TLS. Those stop a preview too (waiting or retrying cannot
 * fix them), with the key to change.
 */
import { keyOf } from "../config/keys";
import type { AdminLogin } from "./server";

/** node's TLS codes for a certificate chain that does not lead to a trusted root. */
const UNTRUSTED_CHAIN = new Set([
    "SELF_SIGNED_CERT_IN_CHAIN",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "CERT_SIGNATURE_FAILURE",
    "CERT_UNTRUSTED",
]);
const OUT_OF_DATE = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"]);

export interface FailedConnection {
    reason: string;
    code?: string;
}

/** The problem, naming its key, or undefined when the failure may be the network's or the server's state. */
export function configuredConnectionProblem(
    failure: FailedConnection,
    login: Pick<AdminLogin, "host" | "port" | "sslmode" | "sslrootcert">,
): string | undefined {
    const address = `${login.host}:${login.port}`;
    const { reason, code } = failure;
    const rootCert = login.sslrootcert ?? "the default root certificate";
    if (code !== undefined && UNTRUSTED_CHAIN.has(code)) {
        return (
            `${keyOf("server.sslrootcert")}: the certificate of ${address} is not signed by a CA in ${rootCert} (${reason}); ` +
            "point it at the CA bundle of the server's provider"
        );
    }
    if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
        return (
            `${keyOf("server.host")}: the certificate of ${address} does not name "${login.host}" (${reason}); with sslmode ` +
            `${login.sslmode} the host must be a name the certificate lists (the provider's endpoint name)`
        );
    }
    if (code !== undefined && OUT_OF_DATE.has(code)) {
        return `${keyOf("server")}: the certificate of ${address} is not valid now (${reason}); the server's operator must renew it`;
    }
    if (code === "ENOENT" || code === "EACCES") {
        return `${keyOf("server.sslrootcert")}: cannot be read on this machine (${reason})`;
    }
    if (/does not support SSL/i.test(reason)) {
        return `${keyOf("server.sslmode")}: ${address} offers no TLS, and sslmode ${login.sslmode} requires it (${reason})`;
    }
    // pg_hba.conf has no line for an unencrypted connection (`hostssl` only): libpq says "no encryption".
    if (code === "28000" && /no encryption/i.test(reason)) {
        return `${keyOf("server.sslmode")}: ${address} accepts only TLS connections (${reason}); use verify-full with the server's CA`;
    }
    return undefined;
}
