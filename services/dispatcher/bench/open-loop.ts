// An open-loop load: request i is due at start + i / rate whatever the answers before it did, and its latency is
// counted from that due time, not from when it went out. A closed loop (the next request after the last answer)
// sends less while the server is slow and so never sees its own queueing: coordinated omission
// (Gil Tene, "How NOT to Measure Latency"; wrk2's README describes the same correction).
import { percentile } from '@doitcrm/kit/testing';

export interface OpenLoopResult {
  requests: number;
  /** rate asked for, and rate achieved (requests over the time from the first due time to the last answer) */
  rate: number;
  achievedRate: number;
  /** answers by HTTP status (0: the request failed) */
  statuses: Record<string, number>;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** the most a due request left later than its due time: above a few ms the load generator itself was late */
  maxSendLagMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `rate × seconds` requests on schedule; `send(i)` resolves with the answer's status. */
export async function openLoop(options: { rate: number; seconds: number; send: (i: number) => Promise<number> }): Promise<OpenLoopResult> {
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  const intervalMs = 1000 / options.rate;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const inFlight: Array<Promise<void>> = [];
  let maxSendLagMs = 0;
  let lastAnswer = 0;
  const start = performance.now() + 5;
  for (let i = 0; i < total;) {
    const now = performance.now();
    // every request due by now goes out at once; each is timed from its own due time
    while (i < total && start + i * intervalMs <= now) {
      const due = start + i * intervalMs;
      maxSendLagMs = Math.max(maxSendLagMs, now - due);
      inFlight.push(options.send(i).catch(() => 0).then((status) => {
        const at = performance.now();
        latencies.push(at - due);
        lastAnswer = Math.max(lastAnswer, at);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }));
      i += 1;
    }
    if (i < total) await sleep(Math.max(0, Math.min(intervalMs, start + i * intervalMs - performance.now())));
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  return {
    requests: total, rate: options.rate, achievedRate: total / ((lastAnswer - start) / 1000), statuses,
    p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies.at(-1)!, maxSendLagMs,
  };
}
