// Timing for the benchmark scripts (never for tests): one warm-up call, then p50/p95 over the runs.

/** The value at percentile `p` (0–100) of an ascending array. */
export const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Calls `fn` once to warm up, then `count` times, and returns the p50 and p95 in milliseconds. */
export async function timeRuns(fn: () => Promise<unknown>, count: number): Promise<{ p50: number; p95: number }> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}
