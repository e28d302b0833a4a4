import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ArchiveInputError } from './line-limits.ts';
import { OVERLONG_PREFIX_BYTES, readLineBatches, type LineBatch } from './line-source.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doitcrm-line-source-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let files = 0;
function writeFile(content: string | Buffer, gzip = false): string {
  files += 1;
  const file = path.join(dir, `file-${files}`);
  fs.writeFileSync(file, gzip ? gzipSync(content) : content);
  return file;
}

async function readAll(file: string, limits: { maxLineBytes: number; maxDecompressedBytes: number }, batchSize = 3) {
  const batches: LineBatch[] = [];
  let error: unknown;
  try {
    for await (const batch of readLineBatches(file, batchSize, limits)) batches.push(batch);
  } catch (caught) {
    error = caught;
  }
  const lines = batches.flatMap((batch) => batch.lines.map((text, index) => ({ lineNo: batch.firstLineNo + index, text })));
  return { batches, lines, overlong: batches.flatMap((batch) => batch.overlong), error };
}

const roomy = { maxLineBytes: 1 << 20, maxDecompressedBytes: 1 << 30 };

describe('readLineBatches', () => {
  it.each([false, true])('when a line is far longer than the limit (gzip: %s), then it is skipped to its newline with its length and a bounded prefix, and the lines around it are read', async (gzip) => {
    const hostile = `{"msgid":"huge","text":"${'长'.repeat(7_000_000)}"}`;
    const file = writeFile(`{"a":1}\n{"a":2}\n${hostile}\n{"a":3}\r\n{"a":4}`, gzip);

    const { lines, overlong, error } = await readAll(file, { maxLineBytes: 64 * 1024, maxDecompressedBytes: 1 << 30 });

    expect(error).toBeUndefined();
    expect(lines).toEqual([
      { lineNo: 1, text: '{"a":1}' }, { lineNo: 2, text: '{"a":2}' }, { lineNo: 3, text: '' }, { lineNo: 4, text: '{"a":3}' }, { lineNo: 5, text: '{"a":4}' },
    ]);
    expect(overlong).toHaveLength(1);
    expect(overlong[0]).toMatchObject({ lineNo: 3, bytes: Buffer.byteLength(hostile), limitBytes: 64 * 1024 });
    expect(overlong[0]!.prefix.startsWith('{"msgid":"huge","text":"长长')).toBe(true);
    expect(Buffer.byteLength(overlong[0]!.prefix)).toBeLessThanOrEqual(OVERLONG_PREFIX_BYTES + 3);
  });

  it('when the last line has no newline and is over the limit, then it is still reported as over-long', async () => {
    const file = writeFile(`{"a":1}\n${'x'.repeat(5_000)}`);

    const { lines, overlong } = await readAll(file, { maxLineBytes: 1_000, maxDecompressedBytes: 1 << 30 });

    expect(lines.map((line) => line.text)).toEqual(['{"a":1}', '']);
    expect(overlong).toEqual([{ lineNo: 2, bytes: 5_000, prefix: 'x'.repeat(OVERLONG_PREFIX_BYTES), limitBytes: 1_000 }]);
  });

  it('when a line is exactly at the limit, then it is read whole', async () => {
    const file = writeFile(`${'y'.repeat(1_000)}\n${'z'.repeat(1_001)}\n`);

    const { lines, overlong } = await readAll(file, { maxLineBytes: 1_000, maxDecompressedBytes: 1 << 30 });

    expect(lines.map((line) => line.text.length)).toEqual([1_000, 0]);
    expect(overlong.map((line) => line.lineNo)).toEqual([2]);
  });

  it('when a gzip file decompresses past the limit, then the complete lines before it are handed out and then it fails naming the limit', async () => {
    const good = Array.from({ length: 10 }, (_, index) => `{"n":${index}}`).join('\n');
    const file = writeFile(`${good}\n${' '.repeat(3 << 20)}\n{"n":"after"}\n`, true);

    const { lines, error } = await readAll(file, { maxLineBytes: 16 << 20, maxDecompressedBytes: 1 << 20 });

    expect(fs.statSync(file).size).toBeLessThan(8 * 1024);
    expect(lines.map((line) => line.text)).toEqual(good.split('\n'));
    expect(error).toBeInstanceOf(ArchiveInputError);
    expect((error as ArchiveInputError).message).toContain('1 MB');
    expect((error as ArchiveInputError).message).toContain('MAX_DECOMPRESSED_MB');
  });

  it('when a gzip file is cut off, then the lines before the damage are handed out and it fails as an input error', async () => {
    const full = gzipSync(Array.from({ length: 2_000 }, (_, index) => `{"n":${index},"pad":"${'p'.repeat(index % 50)}"}`).join('\n'));
    const file = writeFile(full.subarray(0, Math.floor(full.length / 2)));

    const { lines, error } = await readAll(file, roomy, 500);

    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line, index) => line.text.startsWith(`{"n":${index},`))).toBe(true);
    expect(error).toBeInstanceOf(ArchiveInputError);
    expect((error as Error).message).toMatch(/gzip/);
  });

  it('when lines are long, then a batch is cut by bytes before it reaches the line count', async () => {
    const line = 'w'.repeat(3 << 20);
    const file = writeFile(`${line}\n${line}\n${line}\n${line}\n`);

    const { batches } = await readAll(file, { maxLineBytes: 4 << 20, maxDecompressedBytes: 1 << 30 }, 2_000);

    expect(batches.map((batch) => batch.lines.length)).toEqual([3, 1]);
  });

  it('when the file starts with a BOM and uses CRLF, then neither reaches the lines', async () => {
    const file = writeFile('\uFEFF{"a":1}\r\n{"b":"二"}\r\n');

    const { lines } = await readAll(file, roomy);

    expect(lines.map((line) => line.text)).toEqual(['{"a":1}', '{"b":"二"}']);
  });
});
