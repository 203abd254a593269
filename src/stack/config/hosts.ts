/**
 * How clients reach an existing server: which addresses may be `server.host` (what the provider
 * dials and every URL carries: a host name, an IPv4 or an IPv6 address, written so that libpq,
 * SQLAlchemy and node-postgres read the same host back) and which root certificate paths may
 * travel with it.
 */
import { isIP } from "net";
import { dotenvValueProblem } from "../model/dotenv";

const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
const MAX_HOST_NAME_LENGTH = 253;
const WILDCARD_ADDRESSES = new Set(["0.0.0.0", "::"]);

/**
 * The canonical text of an IP address (`0:0::1` → `::1`). node-postgres reads a URL's host through
 * WHATWG URL, which canonicalises IPv6, while libpq and SQLAlchemy keep it as written: only the
 * canonical form reads back the same everywhere. Host names and IPv4 are returned as they are.
 */
export function canonicalHost(host: string): string {
    return isIP(host) === 6 ? new URL(`http://[${host}]`).hostname.slice(1, -1) : host;
}

/** Why `name` is not a DNS host name (labels of letters, digits, "-" and "_", dot-separated). */
function hostNameProblem(name: string): string | undefined {
    const labels = name.replace(/\.$/, "").split(".");
    const valid = name.length <= MAX_HOST_NAME_LENGTH && labels.every((label) => LABEL.test(label));
    if (!valid) {
        return `"${name}" is not a host name, an IPv4 or an IPv6 address (e.g. "db.example.com", "10.0.0.5", "::1")`;
    }
    if (/^\d+$/.test(labels[labels.length - 1])) {
        return `"${name}" is neither a valid IPv4 address nor a host name (a host name does not end in a number)`;
    }
    return undefined;
}

/** Why `host` cannot be the server clients dial, or undefined when it can. */
export function serverHostProblem(host: string): string | undefined {
    if (host.startsWith("/")) {
        return (
            `"${host}" is a Unix-socket directory; the apps' URLs need a TCP address (127.0.0.1, localhost or the server's name), ` +
            "and node-postgres and the provider cannot negotiate sslmode over a socket"
        );
    }
    if (host.startsWith("[")) {
        return `"${host}": write an IPv6 address without brackets (e.g. "::1"); the URLs add them`;
    }
    const version = isIP(host);
    if (version === 0) {
        return hostNameProblem(host);
    }
    if (host.includes("%")) {
        return `"${host}" has an IPv6 zone index, which URL parsers read differently; use a global address or a host name`;
    }
    if (WILDCARD_ADDRESSES.has(canonicalHost(host))) {
        return `"${host}" is a wildcard (listen) address, not one a client can dial; use the server's address or name`;
    }
    return undefined;
}

/**
 * Why `path` cannot be `server.sslrootcert`: libpq's root certificate file on the client machines,
 * or `system` for their trusted roots. It travels in every URL and `.env` body.
 */
export function sslRootCertProblem(path: string): string | undefined {
    if (path !== "system" && !path.startsWith("/")) {
        return `"${path}" must be an absolute path on the client machines (a relative one depends on each app's directory), or "system"`;
    }
    const envProblem = dotenvValueProblem(path);
    return envProblem ? `cannot be written to the apps' .env files: it ${envProblem}` : undefined;
}
