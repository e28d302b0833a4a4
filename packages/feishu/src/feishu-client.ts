import { randomUUID } from 'node:crypto';
import { createLimiter } from '@doitcrm/limits';
import { BitableApi, chunkClientToken } from './bitable-api.ts';
import { CallCounter } from './call-counter.ts';
import type { FeishuClient, FeishuClientOptions, TableRef } from './feishu-types.ts';
import { createRedisRateBudget } from './rate-budget.ts';
import { RequestExecutor } from './request-executor.ts';
import { DEFAULT_RETRY_POLICY } from './retry-policy.ts';
import { TableWriteLock } from './table-write-lock.ts';
import { TenantTokenCache } from './tenant-token-cache.ts';

/** Documented maxima: 500 records a search page (§2.3); the client never sends more than 500 records a write. */
const MAX_PAGE_SIZE = 500;
const MAX_BATCH = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The Feishu Bitable client of the feishu-sync service: tenant token, fields, searched records, batch writes, under
 * the error policy of external-apis.md §2.5 (see README). Writes to one table are serialised in this process and,
 * given Redis, across processes.
 */
export function createFeishuClient(options: FeishuClientOptions): FeishuClient {
  for (const [name, value] of [['baseUrl', options.baseUrl], ['appId', options.appId], ['appSecret', options.appSecret]] as const) {
    if (!value) throw new Error(`createFeishuClient: ${name} is required`);
  }
  const pageSize = options.pageSize ?? MAX_PAGE_SIZE;
  const batchSize = options.batchSize ?? MAX_BATCH;
  if (!(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= MAX_PAGE_SIZE)) throw new RangeError(`pageSize must be 1–${MAX_PAGE_SIZE}`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= MAX_BATCH)) throw new RangeError(`batchSize must be 1–${MAX_BATCH}`);

  const limiter = options.redis ? createLimiter({ redis: options.redis, keyPrefix: 'feishu-limits:' }) : null;
  const counter = new CallCounter();
  const executor: RequestExecutor = new RequestExecutor(
    {
      transport: { baseUrl: options.baseUrl, fetch: options.fetch ?? fetch, timeoutMs: options.timeoutMs ?? 30_000 },
      counter,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      budget: options.budget ?? (limiter ? createRedisRateBudget({ limiter, appId: options.appId }) : null),
      logger: options.logger,
    },
    new TenantTokenCache(() => executor.issueToken(options.appId, options.appSecret), options.now),
  );
  const api = new BitableApi(executor, pageSize);
  const lock = new TableWriteLock({ limiter });
  const writing = <T>(table: TableRef, endpoint: string, write: () => Promise<T>) => lock.run(table.appToken, table.tableId, endpoint, write);

  return {
    listFields: (table) => api.listFields(table),
    searchPages: (table, query) => api.searchPages(table, query),
    searchAll: (table, query) => api.searchAll(table, query),
    getRecord: (table, recordId) => api.getRecord(table, recordId),
    async batchCreate(table, rows, createOptions = {}) {
      const created = [];
      // without a caller token, one of our own still makes this call's retries idempotent (a create whose answer
      // was lost is not created twice); only the caller's token survives a restart
      const clientToken = createOptions.clientToken ?? randomUUID();
      for (const [n, chunk] of chunks(rows, batchSize).entries()) {
        const token = chunkClientToken(clientToken, n);
        created.push(...await writing(table, 'records_batch_create', () => api.createChunk(table, chunk, token)));
      }
      return created;
    },
    async batchUpdate(table, rows) {
      const updated = [];
      for (const chunk of chunks(rows, batchSize)) updated.push(...await writing(table, 'records_batch_update', () => api.updateChunk(table, chunk)));
      return updated;
    },
    async batchDelete(table, recordIds) {
      const deleted = [];
      for (const chunk of chunks(recordIds, MAX_BATCH)) deleted.push(...await writing(table, 'records_batch_delete', () => api.deleteChunk(table, chunk)));
      return deleted;
    },
    calls: counter,
  };
}
