import fs from 'node:fs';
import path from 'node:path';
import { enqueueEvent, isConnectionLoss, withTransaction, type Logger, type Pool, type PoolClient } from '@doitcrm/kit';
import { addChunkCounts, emptyChunkCounts, MessageWriter, type ChunkCounts } from '../data-access/message-writer.ts';
import type { ConflictMode, ImportCounts, ImportResult } from '../contract.ts';
import { createRun, finishRun, markInterruptedRuns, type ImportRun, type RunOrigin } from '../data-access/import-run-repository.ts';
import type { EncodedChunk } from './chunk-encoder.ts';
import { parsedChunks } from './chunk-source.ts';
import { writeInOrder } from './parallel-writes.ts';
import { linkArrivedRecalls } from '../data-access/recall-linker.ts';
import { mergePendingIndexEntries } from '../data-access/index-maintenance.ts';
import { ArchiveInputError, DEFAULT_MAX_DECOMPRESSED_MB, DEFAULT_MAX_LINE_KB, lineLimits, type LineLimits } from './line-limits.ts';

export interface ImportRequest {
  /** the database the parse worker probes for msgids stored already (the pool's own URL) */
  databaseUrl: string;
  filePath: string;
  /** What the run is called in the history (the uploaded file's own name, or the CLI path). */
  sourceName?: string;
  conflict: ConflictMode;
  origin: RunOrigin;
  jobId?: string | null;
  startedBy?: number | null;
  batchSize?: number;
  /** what one file may cost the reader (MAX_LINE_KB, MAX_DECOMPRESSED_MB); their defaults when not given */
  limits?: LineLimits;
  /** chunks written at once, on as many connections (skip mode only; update mode writes one at a time). Default 2. */
  lanes?: number;
}

export interface ImportProgress {
  lines: number;
  bytesRead: number;
  bytesTotal: number;
  counts: ImportCounts;
}

export interface ImportSummary extends ImportResult {
  run: ImportRun;
}

export class ImportFileError extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Loads a decrypted archive file: streamed in chunks, each chunk committed on its own (a crash loses at most the
 * chunk in flight, and the same command run again completes the load), bad lines quarantined with their line
 * numbers, counts kept on the run, and `chat.ingested` recorded in the outbox with the run's end.
 */
export async function importArchive(request: ImportRequest, deps: { pool: Pool; logger: Logger }, onProgress?: (progress: ImportProgress) => void | Promise<void>): Promise<ImportSummary> {
  const stat = await fs.promises.stat(request.filePath).catch(() => null);
  if (!stat) throw new ImportFileError(`文件不存在 (file not found): ${request.filePath}`);
  if (!stat.isFile()) throw new ImportFileError(`不是文件 (not a regular file): ${request.filePath}`);
  const sourceName = request.sourceName ?? path.basename(request.filePath);

  await settleInterruptedRuns(deps.pool, request.jobId ?? null);
  const run = await createRun(deps.pool, {
    source: sourceName, origin: request.origin, conflictMode: request.conflict, jobId: request.jobId, startedBy: request.startedBy, bytesTotal: stat.size,
  });
  const started = Date.now();
  const lanes = request.conflict === 'skip' ? Math.max(1, request.lanes ?? 2) : 1;
  const writers = Array.from({ length: lanes }, () => new MessageWriter(deps.pool, run.id, sourceName, request.conflict));
  const closeWriters = () => { for (const writer of writers) writer.close(); };
  const totals = emptyChunkCounts();
  try {
    const chunks = parsedChunks({
      filePath: request.filePath, conflict: request.conflict, batchSize: request.batchSize ?? 2_000,
      databaseUrl: request.databaseUrl, runId: run.id, window: lanes,
      limits: request.limits ?? lineLimits({ MAX_LINE_KB: DEFAULT_MAX_LINE_KB, MAX_DECOMPRESSED_MB: DEFAULT_MAX_DECOMPRESSED_MB }),
    });
    const write = async (chunk: EncodedChunk, lane: number) => ({ counts: await writeWithRetry(writers[lane]!, chunk, deps.logger), bytesRead: chunk.bytesRead });
    for await (const { counts, bytesRead } of writeInOrder(chunks, lanes, write, (chunk, beside, lane) => writers[lane]!.linkAcross(chunk, beside))) {
      addChunkCounts(totals, counts);
      await onProgress?.({ lines: totals.lines, bytesRead, bytesTotal: stat.size, counts: { ...totals } });
    }
  } catch (caught) {
    closeWriters();
    const error = caught instanceof ArchiveInputError ? keptBefore(caught, sourceName, totals) : caught;
    // The chunks committed before the failure stay, so they are announced with the failure: otherwise a run ended
    // here (a PostgreSQL crash the retries outlived, an endless line) keeps rows no chat.ingested ever covers, and
    // the job's retry finds them "unchanged" (`npm run faults`, PostgreSQL immediate shutdown, found it). If even
    // this fails, the run stays 'running' and the next import settles and announces it.
    await withTransaction(deps.pool, async (client) => {
      await announceRun(client, await finishRun(client, run.id, { status: 'failed', error: error instanceof Error ? error.message : String(error) }));
    }).catch(() => {});
    throw error;
  }
  closeWriters();

  const finished = await withTransaction(deps.pool, async (client) => {
    const done = await finishRun(client, run.id, { status: 'succeeded' });
    await enqueueEvent(client, 'chat.ingested', {
      runId: run.id,
      inserted: totals.inserted,
      updated: totals.updated,
      minMsgtime: totals.minMsgtime?.toISOString() ?? null,
      maxMsgtime: totals.maxMsgtime?.toISOString() ?? null,
    });
    return done;
  });
  await mergePendingIndexEntries(deps.pool, deps.logger);
  return {
    runId: run.id,
    lines: totals.lines,
    inserted: totals.inserted,
    updated: totals.updated,
    unchanged: totals.unchanged,
    quarantined: totals.quarantined,
    duplicatesInFile: totals.duplicatesInFile,
    durationMs: Date.now() - started,
    run: finished,
  };
}

/** A file that cannot be read on: the error names it and says that what came before is loaded (and stays). */
function keptBefore(error: ArchiveInputError, sourceName: string, totals: ChunkCounts): ImportFileError {
  return new ImportFileError(
    `${sourceName}：${error.zh}；此前的 ${totals.lines} 行已导入并保留（新增 ${totals.inserted}，隔离 ${totals.quarantined}）`
    + ` (${sourceName}: ${error.en}; the ${totals.lines} lines before it were loaded and kept: ${totals.inserted} inserted, ${totals.quarantined} quarantined)`,
  );
}

/**
 * Ends the runs that died mid-file and announces the chunks they committed, in one transaction. Their rows carry
 * their run's id, which no later run's `chat.ingested` covers: unannounced, the mapper would never list their ids
 * and the dashboard never count them (`npm run faults`, kill -9 of the etl mid-import, found both).
 */
async function settleInterruptedRuns(pool: Pool, jobId: string | null): Promise<void> {
  await withTransaction(pool, async (client) => {
    // revokes left waiting by a crash between two chunks written at once and their relinking
    await linkArrivedRecalls(client);
    for (const run of await markInterruptedRuns(client, { jobId })) await announceRun(client, run);
  });
}

/** `chat.ingested` for what a run that ended without finishing committed (nothing when it committed nothing). */
async function announceRun(client: PoolClient, run: { id: number; inserted: number; updated: number; minMsgtime: Date | string | null; maxMsgtime: Date | string | null }): Promise<void> {
  if (run.inserted === 0 && run.updated === 0) return;
  const iso = (time: Date | string | null) => (time === null ? null : new Date(time).toISOString());
  await enqueueEvent(client, 'chat.ingested', {
    runId: run.id, inserted: run.inserted, updated: run.updated, minMsgtime: iso(run.minMsgtime), maxMsgtime: iso(run.maxMsgtime),
  });
}

const isDeadlock = (error: unknown) => (error as { code?: string }).code === '40P01';

async function writeWithRetry(writer: MessageWriter, chunk: EncodedChunk, logger: Logger): Promise<ChunkCounts> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await writer.writeChunk(chunk);
    } catch (error) {
      // PostgreSQL restarting, or two chunks written at once locking the same rows (a recalled message) in
      // opposite orders: the chunk was rolled back as a whole, so writing it again is safe
      if (!(isConnectionLoss(error) || isDeadlock(error)) || attempt >= 6) throw error;
      logger.warn({ err: error, attempt }, 'database connection lost during import; retrying the chunk');
      await sleep(Math.min(500 * 2 ** attempt, 10_000));
    }
  }
}

