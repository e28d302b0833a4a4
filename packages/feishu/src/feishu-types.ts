import type { Redis } from 'ioredis';
import type { CallCounter } from './call-counter.ts';
import type { RateBudget } from './rate-budget.ts';
import type { FeishuLogger } from './request-executor.ts';
import type { FeishuRetryPolicy } from './retry-policy.ts';

export interface FeishuClientOptions {
  /** `https://open.feishu.cn` (Lark: `https://open.larksuite.com`); tests and the demo pass the fake's URL */
  baseUrl: string;
  appId: string;
  appSecret: string;
  /** shares the rate budget and the per-table write lock with every process on this Redis */
  redis?: Redis;
  /** a budget of the caller's own (replaces the Redis one) */
  budget?: RateBudget;
  logger?: FeishuLogger;
  retry?: Partial<FeishuRetryPolicy>;
  /** records per batch write; default 500 (error 1254104 and older docs; current docs allow 1,000) */
  batchSize?: number;
  /** records per search page; default 500, the documented maximum */
  pageSize?: number;
  /** per HTTP request; default 30 s */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** tests: the clock of the token cache */
  now?: () => number;
}

/** A table of a base: the `app_token` in the base's URL and the `table_id` (`tbl…`). */
export interface TableRef {
  appToken: string;
  tableId: string;
}

export interface BitableField {
  fieldId: string;
  name: string;
  /** type number of §2.4: 1 text, 2 number, 3 single select, 5 date, 13 phone, 18/21 link … */
  type: number;
  uiType: string | null;
  isPrimary: boolean;
  property: Record<string, unknown> | null;
}

/** A record with its cells as Feishu answered them (read with `readText`, `readLinkIds` …); empty cells are absent. */
export interface BitableRecord {
  recordId: string;
  fields: Record<string, unknown>;
}

export interface SearchCondition {
  field_name: string;
  operator: 'is' | 'isNot' | 'contains' | 'doesNotContain' | 'isEmpty' | 'isNotEmpty' | 'isGreater' | 'isGreaterEqual' | 'isLess' | 'isLessEqual';
  /** always strings (numbers as "10000.0"); at most 10 */
  value?: string[];
}

export interface SearchFilter {
  conjunction: 'and' | 'or';
  conditions?: SearchCondition[];
  children?: SearchFilter[];
}

/** The body of `records/search` as documented (§2.3). */
export interface SearchQuery {
  field_names?: string[];
  sort?: Array<{ field_name: string; desc?: boolean }>;
  filter?: SearchFilter;
  view_id?: string;
}

export interface SearchPage {
  /** from 1 */
  page: number;
  records: BitableRecord[];
  total: number | null;
}

export interface BatchCreateOptions {
  /**
   * idempotency (uuid v4 shape): the same token for the same batch makes a replay create nothing new. With more than
   * `batchSize` records, chunk n > 0 sends a token derived from this one and n, so a replay must keep the boundaries.
   * Without one the client makes its own per call, which covers its retries but not a replay after a restart.
   */
  clientToken?: string;
}

export interface FeishuClient {
  listFields(table: TableRef): Promise<BitableField[]>;
  /** Our own page loop: every failure is thrown (naming the page), never taken for the end of the table. */
  searchPages(table: TableRef, query?: SearchQuery): AsyncGenerator<SearchPage>;
  searchAll(table: TableRef, query?: SearchQuery): Promise<BitableRecord[]>;
  /** null when the record does not exist (1254043) */
  getRecord(table: TableRef, recordId: string): Promise<BitableRecord | null>;
  batchCreate(table: TableRef, rows: ReadonlyArray<Record<string, unknown>>, options?: BatchCreateOptions): Promise<BitableRecord[]>;
  batchUpdate(table: TableRef, rows: ReadonlyArray<{ recordId: string; fields: Record<string, unknown> }>): Promise<BitableRecord[]>;
  batchDelete(table: TableRef, recordIds: readonly string[]): Promise<string[]>;
  /** requests sent per endpoint, retries and token fetches included */
  calls: CallCounter;
}
