/**
 * Timing helpers for the benchmark: seconds of one run, medians of several.
 */

/** Seconds `body` took. */
export async function seconds(body: () => Promise<unknown>): Promise<number> {
    const started = process.hrtime.bigint();
    await body();
    return Number(process.hrtime.bigint() - started) / 1e9;
}

export function median(values: readonly number[]): number {
    if (values.length === 0) throw new Error("median of no values");
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `2.4` — one decimal, as the report prints seconds. */
export const formatSeconds = (value: number) => value.toFixed(1);

/** Runs `sample` `repetitions` times, one after the other, and returns every result. */
export async function repeat<T>(repetitions: number, sample: (index: number) => Promise<T>): Promise<T[]> {
    const results: T[] = [];
    for (let index = 0; index < repetitions; index++) results.push(await sample(index));
    return results;
}
