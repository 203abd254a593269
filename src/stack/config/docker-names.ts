/**
 * What Docker accepts as names and paths for the stack's container, checked before anything is
 * declared: Docker itself would refuse them only at apply, after other resources changed.
 */
import * as path from "path";

/** Docker's own rule for container and local volume names (daemon: "only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"). */
const DOCKER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Networks Docker predefines: they cannot be created, and the stack creates its network. */
const PREDEFINED_NETWORKS = new Set(["bridge", "host", "none"]);

/** Why `name` is not a container or volume name Docker accepts (at least two characters). */
export function dockerNameProblem(name: string, what: "container" | "volume"): string | undefined {
    if (what === "volume" && name.startsWith("/")) {
        return `"${name}" is a host path, not a volume name; use container.dataDirectory to bind-mount a host directory`;
    }
    if (!DOCKER_NAME.test(name)) {
        return `"${name}" is not a ${what} name: use letters, digits, "_", "." and "-", starting with a letter or digit`;
    }
    return name.length < 2 ? `"${name}" is too short: Docker needs at least two characters` : undefined;
}

/** Docker accepts almost any network name, but containers attach and compose refers to it by name. */
export function networkNameProblem(name: string): string | undefined {
    if (PREDEFINED_NETWORKS.has(name)) {
        return `"${name}" is one of Docker's predefined networks, which cannot be created; choose a network of the stack's own`;
    }
    if (!DOCKER_NAME.test(name)) {
        return `"${name}" is not a network name: use letters, digits, "_", "." and "-", starting with a letter or digit`;
    }
    return undefined;
}

// The grammar of distribution/reference (regexp.go), which the Docker daemon parses images with.
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const IMAGE_REFERENCE = new RegExp(`^(${NAME})(?::${TAG})?(?:@${DIGEST})?$`);
const MAX_IMAGE_NAME_LENGTH = 255;

/** Why `image` is not an image reference Docker can pull or find (`repo/name:tag`, `@sha256:...`). */
export function imageReferenceProblem(image: string): string | undefined {
    const match = IMAGE_REFERENCE.exec(image);
    // As Docker splits it: the first component is a registry only with a "." or ":" or as
    // "localhost"; otherwise it belongs to the repository, which is lower-case.
    const first = image.split("/")[0];
    const firstIsRegistry = image.includes("/") && (/[.:]/.test(first) || first === "localhost");
    if (!match || (!firstIsRegistry && first !== first.toLowerCase())) {
        return `"${image}" is not an image reference: use [registry/]repository[:tag][@digest] with a lower-case repository, e.g. "agnohq/pgvector:16"`;
    }
    return match[1].length > MAX_IMAGE_NAME_LENGTH ? `the repository name is longer than ${MAX_IMAGE_NAME_LENGTH} characters` : undefined;
}

/** Host directories whose contents belong to the system: initialising PGDATA there would damage it. */
// prettier-ignore
const SYSTEM_DIRECTORIES = new Set([
    "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/proc", "/root", "/run", "/sbin", "/sys", "/tmp", "/usr",
    "/var", "/var/lib", "/var/run",
]);

/** Why `dir` cannot be bind-mounted as the data directory. */
export function dataDirectoryProblem(dir: string): string | undefined {
    if (!dir.startsWith("/")) {
        return `"${dir}" must be an absolute host path`;
    }
    // Docker's bind syntax is host:container[:options]: a colon would split the host path.
    if (dir.includes(":") || dir.includes(",")) {
        return `"${dir}" contains ":" or ",", which Docker's bind-mount syntax cannot carry; choose another directory`;
    }
    const normalized = path.posix.normalize(dir).replace(/(.)\/$/, "$1");
    if (SYSTEM_DIRECTORIES.has(normalized)) {
        return `"${dir}" is a system directory; create a directory for the data (e.g. /srv/hive-db/postgres)`;
    }
    return undefined;
}
