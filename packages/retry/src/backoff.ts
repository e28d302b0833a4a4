/**
 * Exponential back-off with "equal jitter": half the delay is fixed, half random, so callers that failed together
 * do not come back together, yet every retry still waits at least half the nominal delay. `retry` counts from 0.
 * (The jitter variants and why: https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/)
 */
export function backoffDelayMs(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const nominal = Math.min(maxMs, baseMs * 2 ** retry);
  return Math.round(nominal / 2 + random() * (nominal / 2));
}

/** Waits, unless the signal aborts first (then rejects with its reason). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
