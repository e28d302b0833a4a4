import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll } from 'vitest';
import { uniqueSuffix } from '@doitcrm/kit/testing';

let counter = 0;
const BASE_TIME = Date.UTC(2025, 8, 1, 2, 0, 0);

/** A distinct msgid per call, shaped like the archive's. */
export function buildMsgid(): string {
  counter += 1;
  return `TEST${uniqueSuffix()}${counter.toString().padStart(6, '0')}_external`;
}

/** A group text message; override any field. */
export function buildTextRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    msgid: buildMsgid(),
    action: 'send',
    from: 'wmTESTPARENT0001',
    tolist: ['TestTeacher', 'wmTESTPARENT0002'],
    roomid: 'wrTESTROOM0001',
    msgtime: BASE_TIME + counter * 1000,
    msgtype: 'text',
    text: { content: `老师好，第${counter}条` },
    ...overrides,
  };
}

export function toJsonl(records: Array<Record<string, unknown> | string>): string {
  return `${records.map((record) => (typeof record === 'string' ? record : JSON.stringify(record))).join('\n')}\n`;
}

const writtenDirs: string[] = [];
// files written by a test file are removed when it ends
afterAll(() => {
  for (const dir of writtenDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes an archive file into a fresh temp folder; .gz names are gzip-compressed. */
export function writeArchive(records: Array<Record<string, unknown> | string>, name = 'archive.jsonl'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doitcrm-etl-test-'));
  writtenDirs.push(dir);
  const filePath = path.join(dir, name);
  const text = toJsonl(records);
  fs.writeFileSync(filePath, name.endsWith('.gz') ? gzipSync(text) : text);
  return filePath;
}

export function manyTextRecords(count: number, seqStart?: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, index) => buildTextRecord(seqStart === undefined ? {} : { seq: seqStart + index }));
}
