/**
 * HIVE_DB_TRACE=1: each step of a command on stderr with the seconds since the process started, for
 * `npm run bench` (which reads them) and for anyone asking where a command spends its time.
 */
export function trace(step: string): void {
    if (process.env.HIVE_DB_TRACE !== "1") return;
    process.stderr.write(`trace ${(performance.now() / 1000).toFixed(2)} ${step}\n`);
}
