import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, isLoadableFault } from '../src/index.ts';
import { archiveSample } from './archive-sample.ts';

/** What an importer would do with a raw line, following the rules documented in faults.ts. */
function classify(line: string): 'control_char' | 'tolist_string' | 'invalid_json' | 'missing_msgid' | 'bad_msgtime' | 'ok' {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line);
  } catch {
    try {
      // eslint-disable-next-line no-control-regex
      JSON.parse(line.replace(/[\u0000-\u001f]/g, ''));
      return 'control_char';
    } catch {
      return 'invalid_json';
    }
  }
  if (typeof record.msgid !== 'string') return 'missing_msgid';
  if (!/^\d+$/.test(String(record.msgtime ?? ''))) return 'bad_msgtime';
  if (typeof record.tolist === 'string') return 'tolist_string';
  return 'ok';
}

const faulty = archiveSample(20_000, { faults: 0.01 });
const clean = archiveSample(20_000);

describe('generateArchive with faults', () => {
  it('when faults are asked for, then about that share of broken raw lines is added, of every kind', () => {
    // Arrange
    const broken = faulty.lines.filter((l): l is string => typeof l === 'string');

    // Act
    const kinds = broken.map(classify);

    // Assert
    expect(broken.length).toBeGreaterThan(120);
    expect(broken.length).toBeLessThan(300);
    for (const kind of FAULT_KINDS) {
      expect(kinds.filter((k) => k === kind).length, kind).toBe(faulty.summary.faults[kind]);
      expect(faulty.summary.faults[kind], kind).toBeGreaterThan(0);
    }
    expect(kinds).not.toContain('ok');
  });

  it('when faults are added, then the message records themselves are unchanged and still exactly `messages`', () => {
    // Arrange
    const strip = (r: Record<string, unknown>) => JSON.stringify({ ...r, seq: 0, msgid: '' });

    // Act
    const a = faulty.messages.map(strip);
    const b = clean.messages.map(strip);

    // Assert
    expect(faulty.messages.length).toBe(20_000);
    expect(a).toEqual(b);
  });

  it('when a fault line is loadable, then after the documented repair it is a valid record with a fresh msgid', () => {
    // Arrange
    const ids = new Set(faulty.records.map((r) => r.msgid as string));
    const loadable = faulty.lines.filter((l): l is string => typeof l === 'string' && isLoadableFault(classify(l) as never));

    // Act
    const repaired = loadable.map((line) => {
      // eslint-disable-next-line no-control-regex
      const r = JSON.parse(line.replace(/[\u0000-\u001f]/g, '')) as Record<string, unknown>;
      return { ...r, tolist: typeof r.tolist === 'string' ? r.tolist.split(',') : r.tolist } as Record<string, unknown>;
    });

    // Assert
    expect(repaired.length).toBeGreaterThan(0);
    for (const r of repaired) {
      expect(ids.has(r.msgid as string)).toBe(false);
      expect(Array.isArray(r.tolist)).toBe(true);
      expect((r.tolist as string[]).length).toBeGreaterThan(0);
      expect(Number.isFinite(Number(r.msgtime))).toBe(true);
      expect(r).toHaveProperty('text.content');
    }
  });

  it('when a line holds a control character, then it sits inside a JSON string and is never a line break', () => {
    // Arrange
    const lines = faulty.lines.filter((l): l is string => typeof l === 'string' && classify(l) === 'control_char');

    // Assert
    for (const line of lines) {
      expect(line).not.toMatch(/[\r\n]/);
      // eslint-disable-next-line no-control-regex
      expect(line).toMatch(/"content":"[^"]*[\u0001-\u001f]/);
    }
  });

  it('when the kinds are listed, then exactly control characters and tolist-as-string are loadable', () => {
    // Assert
    expect(FAULT_KINDS.filter(isLoadableFault)).toEqual(['control_char', 'tolist_string']);
  });
});
