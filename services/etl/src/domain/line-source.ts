import fs from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { ArchiveInputError, type LineLimits } from './line-limits.ts';

/** A line longer than the limit: not kept, only its length and the start of it (for the quarantine). */
export interface OverlongLine {
  lineNo: number;
  /** the whole line's length in bytes (it is counted while being skipped, never held) */
  bytes: number;
  prefix: string;
  limitBytes: number;
}

export interface LineBatch {
  /** Line number (1-based) of the first line in `lines`. */
  firstLineNo: number;
  /** An over-long line stands here as '' and is described in `overlong`. */
  lines: string[];
  overlong: OverlongLine[];
  /** Bytes of the file (compressed bytes for .gz) read so far. */
  bytesRead: number;
}

/** Bytes of an over-long line kept for the quarantine: enough to recognise the record (its msgid comes first). */
export const OVERLONG_PREFIX_BYTES = 4096;
/**
 * A batch is also cut at this many bytes of line text, so long lines cannot multiply into a huge batch: the parse
 * worker's heap is capped (chunk-source.ts), and a few lines near the line limit must still fit in it.
 */
const MAX_BATCH_BYTES = 8 << 20;

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

const isZlibError = (error: unknown) => typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('Z_');

/**
 * Streams a JSONL file (plain or gzip, told by its first bytes, not its name) as batches of lines, with the
 * byte position for progress. Memory stays at one batch plus one read chunk whatever the file holds: a line past
 * `maxLineBytes` is skipped up to its newline (only its length and a prefix are kept), and a gzip file stops at
 * `maxDecompressedBytes` — after the complete lines before that point have been handed out.
 */
export async function* readLineBatches(filePath: string, batchSize: number, limits: LineLimits): AsyncGenerator<LineBatch> {
  const gzip = await isGzip(filePath);
  const file = fs.createReadStream(filePath, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  file.on('data', (chunk: Buffer | string) => { bytesRead += chunk.length; });
  const source: Readable = gzip ? file.pipe(createGunzip()) : file;
  if (gzip) file.on('error', (error) => source.destroy(error));

  // the line being assembled across chunks: pieces, never re-concatenated per chunk (that was quadratic)
  const pieces: Buffer[] = [];
  let pendingBytes = 0;
  let skipping: OverlongLine | null = null;
  let lineNo = 1;
  let batch: string[] = [];
  let overlong: OverlongLine[] = [];
  let batchBytes = 0;
  let batchStart = 1;
  let first = true;
  let decompressed = 0;

  const take = (text: string, bytes: number): LineBatch | null => {
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    batch.push(text.endsWith('\r') ? text.slice(0, -1) : text);
    lineNo += 1;
    batchBytes += bytes;
    return batch.length >= batchSize || batchBytes >= MAX_BATCH_BYTES ? cut() : null;
  };
  const takeOverlong = (line: OverlongLine): LineBatch | null => {
    first = false;
    overlong.push(line);
    return take('', 0);
  };
  const cut = (): LineBatch => {
    const full = { firstLineNo: batchStart, lines: batch, overlong, bytesRead };
    batch = [];
    overlong = [];
    batchBytes = 0;
    batchStart = lineNo;
    return full;
  };

  try {
    for await (let chunk of source as AsyncIterable<Buffer>) {
      let overLimit = false;
      if (gzip) {
        decompressed += chunk.length;
        if (decompressed > limits.maxDecompressedBytes) {
          chunk = chunk.subarray(0, chunk.length - (decompressed - limits.maxDecompressedBytes));
          overLimit = true;
        }
      }
      let pos = 0;
      while (pos < chunk.length) {
        const newline = chunk.indexOf(0x0a, pos);
        const end = newline === -1 ? chunk.length : newline;
        if (skipping) {
          skipping.bytes += end - pos;
        } else if (pendingBytes + end - pos > limits.maxLineBytes) {
          skipping = { lineNo, bytes: pendingBytes + end - pos, prefix: prefixOf(pieces, chunk.subarray(pos, end)), limitBytes: limits.maxLineBytes };
          pieces.length = 0;
          pendingBytes = 0;
        } else if (newline === -1) {
          pieces.push(chunk.subarray(pos));
          pendingBytes += chunk.length - pos;
        }
        if (newline === -1) break;
        let full: LineBatch | null;
        if (skipping) {
          full = takeOverlong(skipping);
          skipping = null;
        } else if (pendingBytes === 0) {
          full = take(chunk.toString('utf8', pos, end), end - pos);
        } else {
          pieces.push(chunk.subarray(pos, end));
          const bytes = pendingBytes + end - pos;
          full = take(Buffer.concat(pieces, bytes).toString('utf8'), bytes);
          pieces.length = 0;
          pendingBytes = 0;
        }
        if (full) yield full;
        pos = newline + 1;
      }
      if (overLimit) {
        // the complete lines before the limit are loaded; the line cut by it is not
        if (batch.length > 0) yield cut();
        const mb = Math.round(limits.maxDecompressedBytes / 1024 / 1024);
        throw new ArchiveInputError(
          `解压后超过上限 ${mb} MB（MAX_DECOMPRESSED_MB），已在第 ${lineNo} 行处停止读取`,
          `decompresses to more than the ${mb} MB limit (MAX_DECOMPRESSED_MB); reading stopped at line ${lineNo}`,
        );
      }
    }
  } catch (error) {
    if (!isZlibError(error)) throw error;
    // a truncated or corrupt .gz: what decompressed cleanly before the damage is still loaded
    if (batch.length > 0) yield cut();
    throw new ArchiveInputError(
      `gzip 数据损坏或不完整，已在第 ${lineNo} 行处停止读取（${(error as Error).message}）`,
      `the gzip data is corrupt or truncated; reading stopped at line ${lineNo} (${(error as Error).message})`,
    );
  }
  let last: LineBatch | null = null;
  if (skipping) last = takeOverlong(skipping);
  else if (pendingBytes > 0) last = take(Buffer.concat(pieces, pendingBytes).toString('utf8'), pendingBytes);
  if (last) yield last;
  if (batch.length > 0) yield cut();
}

/** The first OVERLONG_PREFIX_BYTES of a line split over pieces (a character cut in two shows as U+FFFD). */
function prefixOf(pieces: Buffer[], tail: Buffer): string {
  const parts: Buffer[] = [];
  let size = 0;
  for (const piece of [...pieces, tail]) {
    if (size >= OVERLONG_PREFIX_BYTES) break;
    parts.push(piece.subarray(0, OVERLONG_PREFIX_BYTES - size));
    size += parts[parts.length - 1]!.length;
  }
  return Buffer.concat(parts, size).toString('utf8');
}
