import { withTransaction, type Pool, type Queryable } from '@doitcrm/kit';
import { beijingYesterday, rollUpDay } from '../data-access/daily-stats-repository.ts';
import {
  createTracePartitionsAhead, deleteExpiredDefaultTraceBatch, deleteOldAlertDeliveryBatch, deleteOldReceiptBatch, dropExpiredTracePartitions,
  firstKeptDay,
} from '../data-access/housekeeping-repository.ts';
import { deleteExpiredKeys } from '../data-access/idempotency-repository.ts';
import { requeueFailed } from '../data-access/retry-repository.ts';
import type { DispatchSettings } from './dispatch-settings.ts';

/** Called inside a run's transaction before it commits (kit's ScheduleRun.assertStillOwner): a stale run writes nothing. */
type Fence = (client: Queryable) => Promise<void>;
const noFence: Fence = async () => {};

/** Yesterday's Beijing day rolled into dispatch.daily_stats (its rows replaced). */
export async function rollUpYesterday(pool: Pool, now: Date, fence: Fence = noFence): Promise<{ day: string; rows: number }> {
  return withTransaction(pool, async (client) => {
    const day = await beijingYesterday(client, now);
    const rows = await rollUpDay(client, day);
    await fence(client);
    return { day, rows };
  });
}

export interface RetentionResult { firstKept: string; created: string[]; skipped: string[]; dropped: string[]; deletedFromDefault: number }

/**
 * Trace retention: the next days' partitions made ahead, the partitions of days past retention dropped whole, and
 * the events still in the default partition (written before daily partitions existed) deleted in batches, each its
 * own short transaction so the table is never locked for long.
 */
export async function applyTraceRetention(
  pool: Pool, now: Date, retentionDays: number, options: { daysAhead?: number; batchSize?: number; signal?: AbortSignal } = {},
): Promise<RetentionResult> {
  const firstKept = await firstKeptDay(pool, now, retentionDays);
  const { created, skipped } = await createTracePartitionsAhead(pool, now, options.daysAhead ?? 3);
  const dropped = await dropExpiredTracePartitions(pool, firstKept);
  const batchSize = options.batchSize ?? 5_000;
  let deletedFromDefault = 0;
  for (;;) {
    if (options.signal?.aborted) break;
    const deleted = await deleteExpiredDefaultTraceBatch(pool, firstKept, batchSize);
    deletedFromDefault += deleted;
    if (deleted < batchSize) break;
  }
  return { firstKept, created, skipped, dropped, deletedFromDefault };
}

/** A periodic retry gives a failed message as many attempts again as the worker's own back-off did, once. */
export const periodicRetryAttemptCap = (settings: DispatchSettings) => 2 * settings.retry.maxAttempts;
export const PERIODIC_RETRY_MIN_AGE_SECONDS = 600;

/** Failed messages whose last error was transient or rate-limited, queued again (batches of `batchSize`, at most `maxBatches`). */
export async function retryRetryableFailures(
  pool: Pool, settings: DispatchSettings, options: { batchSize?: number; maxBatches?: number; minAgeSeconds?: number; fence?: Fence } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 1_000;
  let queued = 0;
  for (let batch = 0; batch < (options.maxBatches ?? 20); batch += 1) {
    const count = await withTransaction(pool, async (client) => {
      const retryable = { attemptCap: periodicRetryAttemptCap(settings), minAgeSeconds: options.minAgeSeconds ?? PERIODIC_RETRY_MIN_AGE_SECONDS, batchSize };
      const n = await requeueFailed(client, { retryable }, { reason: 'periodic_retry' }, 'queued');
      await (options.fence ?? noFence)(client);
      return n;
    });
    queued += count;
    if (count < batchSize) break;
  }
  return queued;
}

async function deleteInBatches(deleteBatch: () => Promise<number>, batchSize: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const n = await deleteBatch();
    deleted += n;
    if (n < batchSize) return deleted;
  }
}

export const cleanExpiredIdempotencyKeys = (pool: Pool, batchSize = 5_000): Promise<number> => deleteExpiredKeys(pool, batchSize);

export const ALERT_DELIVERY_KEEP_DAYS = 30;
export const cleanOldAlertDeliveries = (pool: Pool, batchSize = 5_000): Promise<number> =>
  deleteInBatches(() => deleteOldAlertDeliveryBatch(pool, ALERT_DELIVERY_KEEP_DAYS, batchSize), batchSize);

export const RECEIPT_KEEP_DAYS = 30;
export const cleanOldReceipts = (pool: Pool, batchSize = 5_000): Promise<number> =>
  deleteInBatches(() => deleteOldReceiptBatch(pool, RECEIPT_KEEP_DAYS, batchSize), batchSize);
