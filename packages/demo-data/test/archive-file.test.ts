import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateArchive, generateSchool, writeArchiveFile, type ArchiveProgress } from '../src/index.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'demo-data-archive-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeArchiveFile', () => {
  it('when writing plain JSONL, then each yielded line is one file line and the counts match', async () => {
    // Arrange
    const path = join(dir, 'a.jsonl');
    const expected = [...generateArchive(generateSchool(), { messages: 5_000, faults: 0.01 })].map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));

    // Act
    const result = await writeArchiveFile(path, { messages: 5_000, faults: 0.01 });
    const text = await readFile(path, 'utf8');

    // Assert
    expect(text.endsWith('\n')).toBe(true);
    expect(text.slice(0, -1).split('\n')).toEqual(expected);
    expect(result.lines).toBe(expected.length);
    expect(result.messages).toBe(5_000);
    expect(result.bytes).toBe(Buffer.byteLength(text));
    expect(result.fileBytes).toBe(result.bytes);
    expect(result.gzip).toBe(false);
  });

  it('when the path ends in .gz, then the file is gzip of the same JSONL', async () => {
    // Arrange
    const plain = join(dir, 'b.jsonl');
    const gz = join(dir, 'b.jsonl.gz');

    // Act
    await writeArchiveFile(plain, { messages: 3_000, seed: 3 });
    const result = await writeArchiveFile(gz, { messages: 3_000, seed: 3 });

    // Assert
    const unzipped = gunzipSync(await readFile(gz)).toString('utf8');
    expect(unzipped).toBe(await readFile(plain, 'utf8'));
    expect(result.gzip).toBe(true);
    expect(result.fileBytes).toBeLessThan(result.bytes / 2);
  });

  it('when the archive is bigger than the write buffers, then progress is reported and everything arrives in order', async () => {
    // Arrange
    const path = join(dir, 'c.jsonl');
    const seen: ArchiveProgress[] = [];

    // Act
    const result = await writeArchiveFile(path, { messages: 20_000, onProgress: (p) => seen.push({ ...p }) });
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');

    // Assert
    expect(lines.length).toBe(result.lines);
    const seqs = lines.map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toEqual({ lines: result.lines, messages: 20_000, bytes: result.bytes });
  });

  it('when the directory does not exist, then it rejects with the file system error', async () => {
    // Act / Assert
    await expect(writeArchiveFile(join(dir, 'missing', 'x.jsonl'), { messages: 10 })).rejects.toThrow(/ENOENT/);
  });
});
