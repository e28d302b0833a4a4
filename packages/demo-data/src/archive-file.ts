import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { finished, pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { LineSink } from './line-sink.ts';
import { type ArchiveOptions, type ArchiveSummary, generateArchive, validateArchiveOptions } from './archive.ts';
import { generateSchool } from './school.ts';
import type { DemoSchool } from './school-types.ts';

export interface ArchiveProgress {
  lines: number;
  messages: number;
  /** uncompressed bytes produced so far */
  bytes: number;
}

export interface WriteArchiveOptions extends ArchiveOptions {
  /** the school to talk about; default: generateSchool({ seed }) */
  school?: DemoSchool;
  /** called after each chunk is handed to the stream */
  onProgress?: (progress: ArchiveProgress) => void;
  /** gzip level for `.gz` paths (1 fastest … 9 smallest), default 1: the archive is big and cheap to re-create */
  gzipLevel?: number;
}

export interface WriteArchiveResult extends ArchiveSummary {
  path: string;
  gzip: boolean;
  /** uncompressed JSONL bytes */
  bytes: number;
  /** size on disk */
  fileBytes: number;
  durationMs: number;
}

/**
 * Writes the archive as JSONL (gzip when the path ends in `.gz`). Generation waits whenever the disk (or gzip,
 * which runs on the thread pool in parallel with generation) falls behind, so memory stays flat whatever the size.
 */
export async function writeArchiveFile(path: string, options: WriteArchiveOptions): Promise<WriteArchiveResult> {
  const started = Date.now();
  validateArchiveOptions(options);
  const school = options.school ?? generateSchool(options.seed === undefined ? {} : { seed: options.seed });
  const gzip = path.endsWith('.gz');
  const file = createWriteStream(path);
  const opened = once(file, 'open');
  const zip = gzip ? createGzip({ level: options.gzipLevel ?? 1 }) : null;
  const done = zip ? pipeline(zip, file) : finished(file);
  // surface a bad path before generating anything
  await Promise.race([opened, done]);
  const sink = new LineSink(zip ?? file);
  const progress: ArchiveProgress = { lines: 0, messages: 0, bytes: 0 };
  const it = generateArchive(school, options);
  let r = it.next();
  try {
    while (!r.done) {
      const v = r.value;
      const wait = sink.push(typeof v === 'string' ? v : JSON.stringify(v));
      progress.lines++;
      if (typeof v !== 'string' && v.action === 'send') progress.messages++;
      if (wait) {
        await wait;
        progress.bytes = sink.bytes;
        options.onProgress?.(progress);
      } else if ((progress.lines & 0xffff) === 0) {
        progress.bytes = sink.bytes;
        options.onProgress?.(progress);
        // let stream callbacks run even when the disk keeps up
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      r = it.next();
    }
    await sink.end();
    await done;
  } catch (err) {
    // a failed write (disk full, EIO) leaves a partial file: close everything, then report the first error
    zip?.destroy();
    file.destroy();
    await done.catch(() => undefined);
    throw err;
  }
  progress.bytes = sink.bytes;
  options.onProgress?.(progress);
  return {
    ...r.value,
    path,
    gzip,
    bytes: sink.bytes,
    fileBytes: (await stat(path)).size,
    durationMs: Date.now() - started,
  };
}
