import fs from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

export interface LineBatch {
  /** Line number (1-based) of the first line in `lines`. */
  firstLineNo: number;
  lines: string[];
  /** Bytes of the file (compressed bytes for .gz) read so far. */
  bytesRead: number;
}

async function isGzip(filePath: string): Promise<boolean> {
  const handle = await fs.promises.open(filePath, 'r');
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * Streams a JSONL file (plain or gzip, told by its first bytes, not its name) as batches of lines, with the
 * byte position for progress. Memory stays at one batch plus one read chunk whatever the file's size.
 */
export async function* readLineBatches(filePath: string, batchSize: number): AsyncGenerator<LineBatch> {
  const gzip = await isGzip(filePath);
  const file = fs.createReadStream(filePath, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  file.on('data', (chunk: Buffer | string) => { bytesRead += chunk.length; });
  const source: Readable = gzip ? file.pipe(createGunzip()) : file;
  if (gzip) file.on('error', (error) => source.destroy(error));

  let carry: Buffer | null = null;
  let lineNo = 1;
  let batch: string[] = [];
  let batchStart = 1;
  let first = true;

  const take = (text: string): LineBatch | null => {
    batch.push(text.endsWith('\r') ? text.slice(0, -1) : text);
    lineNo += 1;
    if (batch.length < batchSize) return null;
    const full = { firstLineNo: batchStart, lines: batch, bytesRead };
    batch = [];
    batchStart = lineNo;
    return full;
  };

  for await (const chunk of source as AsyncIterable<Buffer>) {
    let buffer: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    const lastNewline = buffer.lastIndexOf(0x0a);
    if (lastNewline === -1) {
      carry = buffer;
      continue;
    }
    carry = lastNewline + 1 < buffer.length ? buffer.subarray(lastNewline + 1) : null;
    buffer = buffer.subarray(0, lastNewline);
    let text = buffer.toString('utf8');
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (const line of text.split('\n')) {
      const full = take(line);
      if (full) yield full;
    }
  }
  if (carry && carry.length > 0) {
    let text = carry.toString('utf8');
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const full = take(text);
    if (full) yield full;
  }
  if (batch.length > 0) yield { firstLineNo: batchStart, lines: batch, bytesRead };
}
