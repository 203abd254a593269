/**
 * How the pgvector container is started and probed. Pure, so the integration tests run a real
 * container with exactly the command and healthcheck the stack declares.
 */

/** The mount point of the data volume; PGDATA is a subdirectory, as in the seeds' compose file. */
export const DATA_MOUNT_PATH = "/var/lib/postgresql/data";
export const POSTGRES_CONTAINER_PORT = 5432;

/**
 * How long a stop waits for PostgreSQL before Docker kills it. The image's stop signal (SIGINT) asks
 * for a fast shutdown, which takes well under this; docker compose gives 10 s.
 */
export const CONTAINER_STOP_GRACE_SECONDS = 30;

/** `postgres -c a=b -c c=d`, in the order given. */
export function serverCommand(serverFlags: Record<string, string>): string[] {
    return ["postgres", ...Object.entries(serverFlags).flatMap(([name, value]) => ["-c", `${name}=${value}`])];
}

/**
 * pg_isready over TCP: the image's first-run init server listens only on the Unix socket, so a
 * socket probe would report healthy before the real server is up.
 */
export function healthcheckTest(adminUser: string): string[] {
    return ["CMD", "pg_isready", "-h", "127.0.0.1", "-p", String(POSTGRES_CONTAINER_PORT), "-U", adminUser, "-d", "postgres"];
}

/**
 * The container's healthcheck, which `pulumi up` waits on before the database layer connects. Docker
 * probes first one interval after the start, so the interval bounds how long a healthy server waits
 * to be seen: 1 s (a `pg_isready` a second costs a few milliseconds). `start_interval` would allow a
 * slower steady rate, but engines before API 1.44 (Docker 25) ignore it. Unhealthy after 30 failed
 * probes past the start period.
 */
export function healthcheck(adminUser: string) {
    return { tests: healthcheckTest(adminUser), interval: "1s", timeout: "3s", retries: 30, startPeriod: "30s" };
}
