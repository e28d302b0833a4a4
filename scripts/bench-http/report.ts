// The pure parts of the HTTP benchmark's report: a call's percentiles, its goal, and the markdown table.
import { percentile } from '@doitcrm/kit/testing';

export interface Timing { p50: number; p95: number; max: number; runs: number }

/** p50 / p95 / max of the samples (milliseconds), in any order. */
export function summarize(samples: readonly number[]): Timing {
  if (samples.length === 0) throw new Error('no samples to summarize');
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** The groups of calls the issue sets a goal for (a p95 in milliseconds through HTTP). */
export type GoalGroup = 'search' | 'person' | 'group' | 'dashboard' | 'mapper' | 'none';
export const GOALS: Record<GoalGroup, number | null> = { search: 50, person: 20, group: 20, dashboard: 50, mapper: 50, none: null };

/** What the original's query shape took for the same call: a median, the cut-off it hit, or nothing to compare. */
export type OriginalTime = { ms: number } | { cutOffMs: number } | null;

export interface ResultRow {
  call: string;
  /** what the row's runs asked, e.g. the terms of a bucket or the person picked */
  input: string;
  goal: GoalGroup;
  timing: Timing;
  original: OriginalTime;
}

export type Verdict = 'met' | 'not met' | '—';

export function verdict(row: Pick<ResultRow, 'goal' | 'timing'>): Verdict {
  const goal = GOALS[row.goal];
  if (goal === null) return '—';
  return row.timing.p95 <= goal ? 'met' : 'not met';
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

function originalCell(original: OriginalTime): string {
  if (!original) return '—';
  if ('cutOffMs' in original) return `> ${(original.cutOffMs / 1000).toFixed(0)} s (cut off)`;
  return `${ms(original.ms)} ms`;
}

/** `|` would break the markdown row, a newline too. */
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/**
 * The markdown table: one row per call, p50 / p95 / max, the p50 as a multiple of a bare Express "hello" in the same
 * run (so two runs on a differently loaded box compare), the goal and whether it is met, and the original's time.
 */
export function formatTable(rows: readonly ResultRow[], helloP50: number): string {
  const lines = [
    '| call | input | p50 ms | p95 ms | max ms | p50 / hello | goal p95 | met | original shape |',
    '|---|---|---:|---:|---:|---:|---:|---|---:|',
  ];
  for (const row of rows) {
    const goal = GOALS[row.goal];
    lines.push(`| ${cell(row.call)} | ${cell(row.input)} | ${ms(row.timing.p50)} | ${ms(row.timing.p95)} | ${ms(row.timing.max)} | `
      + `${(row.timing.p50 / helloP50).toFixed(0)}× | ${goal === null ? '—' : `≤ ${goal}`} | ${verdict(row)} | ${originalCell(row.original)} |`);
  }
  return lines.join('\n');
}
