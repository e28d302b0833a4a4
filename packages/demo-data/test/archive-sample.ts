import { generateArchive, generateSchool, type ArchiveLine, type ArchiveSummary, type DemoSchool } from '../src/index.ts';

export type ArchiveRecord = Record<string, unknown>;

export interface ArchiveSample {
  school: DemoSchool;
  lines: ArchiveLine[];
  records: ArchiveRecord[];
  /** action "send" only */
  messages: ArchiveRecord[];
  summary: ArchiveSummary;
}

const cache = new Map<string, ArchiveSample>();

/** Generates (once per test file and options) an archive kept in memory for inspection. */
export function archiveSample(messages: number, options: { seed?: number; faults?: number } = {}): ArchiveSample {
  const key = JSON.stringify([messages, options]);
  const cached = cache.get(key);
  if (cached) return cached;
  const school = generateSchool();
  const it = generateArchive(school, { messages, ...options });
  const lines: ArchiveLine[] = [];
  let r = it.next();
  while (!r.done) {
    lines.push(r.value);
    r = it.next();
  }
  const records = lines.filter((l): l is ArchiveRecord => typeof l !== 'string');
  const sample = { school, lines, records, messages: records.filter((r) => r.action === 'send'), summary: r.value };
  cache.set(key, sample);
  return sample;
}

export const BEIJING_OFFSET_MS = 8 * 3_600_000;

export function beijing(msgtime: unknown): Date {
  return new Date(Number(msgtime) + BEIJING_OFFSET_MS);
}
