// Timing helpers of the messages benchmark: p50/p95 over many random inputs, each input run once after a warm-up.

import { percentile } from '@doitcrm/kit/testing';

export interface Timing {
  p50: number;
  p95: number;
  runs: number;
}


/** Runs `fn` for each input (cycling through them `runs` times in all) after one warm-up pass over a few. */
export async function timeOver<I>(inputs: I[], runs: number, fn: (input: I) => Promise<unknown>): Promise<Timing> {
  if (inputs.length === 0) throw new Error('no inputs to time');
  for (const input of inputs.slice(0, 3)) await fn(input);
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const input = inputs[i % inputs.length]!;
    const started = performance.now();
    await fn(input);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), runs };
}

export const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
export const line = (label: string, text: string) => console.log(`${label.padEnd(60)} ${text}`);
export const report = (label: string, timing: Timing) => line(label, `${ms(timing.p50)} / ${ms(timing.p95)}  (p50 / p95, ${timing.runs} runs)`);

export interface Verdict {
  label: string;
  ok: boolean;
  text: string;
}

export function atMost(label: string, timing: Timing, limit: number): Verdict {
  return { label, ok: timing.p95 <= limit, text: `p95 ${ms(timing.p95)} (target ≤ ${limit} ms)` };
}

export function faster(label: string, ours: Timing, anchor: Timing, factor: number): Verdict {
  const ratio = anchor.p50 / ours.p50;
  return { label, ok: ratio >= factor, text: `${ratio.toFixed(0)}× (anchor p50 ${ms(anchor.p50)} / ours p50 ${ms(ours.p50)}; target ≥ ${factor}×)` };
}
