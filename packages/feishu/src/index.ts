// The Feishu (飞书) Bitable client: tenant token, fields, records search and batch writes, for the feishu-sync service.
export { createFeishuClient } from './feishu-client.ts';
export { FeishuError, isFeishuError, type FeishuErrorKind, type FeishuErrorFields } from './feishu-error.ts';
export { feishuErrorPolicy, type FeishuErrorPolicy, type FeishuReaction } from './error-policy.ts';
export { DEFAULT_RETRY_POLICY, type FeishuRetryPolicy } from './retry-policy.ts';
export { CallCounter } from './call-counter.ts';
export { createRedisRateBudget, DEFAULT_CALLS_PER_SECOND, type RateBudget, type RedisRateBudgetOptions } from './rate-budget.ts';
export { TenantTokenCache, RENEW_WINDOW_SECONDS, type IssuedTenantToken } from './tenant-token-cache.ts';
export { chunkClientToken } from './bitable-api.ts';
export {
  writeCell, readText, readNumber, readDate, readSelect, readPhone, readLinkIds, mergeLinkCell, MAX_LINKS_PER_CELL,
} from './cell-values.ts';
export type { FeishuLogger } from './request-executor.ts';
export type {
  BatchCreateOptions, BitableField, BitableRecord, FeishuClient, FeishuClientOptions, SearchCondition, SearchFilter, SearchPage, SearchQuery, TableRef,
} from './feishu-types.ts';
