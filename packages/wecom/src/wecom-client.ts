import type { IdKind } from '@doitcrm/types';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { AccessTokenCache } from './access-token-cache.ts';
import { batchGetExternalContacts, getExternalContact, listExternalContactIds, listFollowUsers } from './api/contact-api.ts';
import {
  getCustomerGroup, getInternalGroup, listArchivePermitUsers, listCustomerGroups, type CustomerGroupListQuery,
} from './api/group-api.ts';
import { getUser, listUserIds } from './api/member-api.ts';
import { listCorpTags, type CorpTagQuery } from './api/tag-api.ts';
import type { CallWecom, SecretRole } from './api/parse-answer.ts';
import { ConcurrencyGate } from './budget/concurrency-gate.ts';
import { createLocalRateBudget, type RateBudget } from './budget/rate-budget.ts';
import { DEFAULT_WECOM_RATE_LIMITS, type RateRule, type WecomRateLimits } from './budget/rate-limits.ts';
import { createRedisRateBudget } from './budget/redis-rate-budget.ts';
import { realTime, type TimeSource } from './budget/token-bucket.ts';
import { RequestExecutor, type WecomLogger } from './request-executor.ts';
import { resolveName } from './resolve-name.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';
import { testConnection } from './test-connection.ts';
import type {
  ConnectionTestResult, CorpTagGroup, CustomerGroup, CustomerGroupSummary, ExternalContactDetail, ExternalContactFollow, InternalGroup,
  NameResolution, Page, WecomUser,
} from './wecom-types.ts';

export interface WecomClientOptions {
  /** `https://qyapi.weixin.qq.com` for the real service */
  baseUrl: string;
  corpId: string;
  /** secret of the self-built app allowed to call customer-contact APIs (客户联系 → 可调用接口的应用) */
  secret: string;
  /** the chat-archive (会话内容存档) secret: `msgaudit/*` APIs accept only its token; without it internal groups cannot be read */
  archiveSecret?: string;
  fetch?: typeof fetch;
  /**
   * Shares the corp's rate budget with every other process on this Redis (the services pass theirs). Without it
   * the budget lives in this client only: fine for a script or a test that runs alone, wrong for two services.
   */
  redis?: Redis;
  /** calls per minute for this corp and API; default 1,000 — a tenth of WeCom's documented 10,000/min */
  rateLimitPerMinute?: number;
  /** with `redis`: the other documented limits (rate-limits.ts), each defaulting to a tenth of WeCom's */
  rateLimits?: Partial<WecomRateLimits>;
  /** with `redis`: how long a call may wait for the budget before it throws `WecomRateLimitedError`; default 65 s */
  rateLimitMaxWaitMs?: number;
  /** with `redis`: the name of the server IP the calls leave from (processes sharing it share the per-IP budget) */
  rateLimitEgress?: string;
  /** without `redis`: calls that may leave at once after a quiet spell; default 10 */
  rateLimitBurst?: number;
  /** calls in flight at most; default 4, lowered on 45033 */
  concurrency?: number;
  /** refresh tokens this long before they expire; default 300 s (WeCom tokens live 7,200 s) */
  tokenRefreshMarginSeconds?: number;
  /** per HTTP attempt; default 10 s */
  requestTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  logger?: WecomLogger;
  /** tests only: a clock and sleep of their own */
  time?: TimeSource;
  /** tests only: windows shorter than WeCom's minute and hour */
  rateRules?: readonly RateRule[];
}

export interface WecomClient {
  readonly corpId: string;
  getExternalContact(externalUserId: string): Promise<ExternalContactDetail>;
  getUser(userId: string): Promise<WecomUser>;
  getCustomerGroup(chatId: string, options?: { needName?: boolean }): Promise<CustomerGroup>;
  getInternalGroup(roomId: string): Promise<InternalGroup>;
  listFollowUsers(): Promise<string[]>;
  listExternalContactIds(userId: string): Promise<string[]>;
  batchGetExternalContacts(userIds: readonly string[], page?: { cursor?: string; limit?: number }): Promise<Page<ExternalContactFollow>>;
  listCustomerGroups(query?: CustomerGroupListQuery): Promise<Page<CustomerGroupSummary>>;
  listUserIds(page?: { cursor?: string; limit?: number }): Promise<Page<{ userId: string; department: number }>>;
  /** the corp tag library; names the `tagIds` of `batchGetExternalContacts` */
  listCorpTags(query?: CorpTagQuery): Promise<CorpTagGroup[]>;
  testConnection(): Promise<ConnectionTestResult>;
  resolveName(id: string, kind: IdKind): Promise<NameResolution>;
  /** what the limiter and gate are doing now, for logs and tests */
  diagnostics(): { concurrencyLimit: number; inFlight: number; cachedTokens: number; pausedUntil: number };
}

/**
 * The WeCom server-API client. Create one per corp and share it within the process: the concurrency cap and the
 * token cache live in it. The rate budget lives in Redis when `redis` is given, shared by every process.
 */
export function createWecomClient(options: WecomClientOptions): WecomClient {
  checkOptions(options);
  const time = options.time ?? realTime;
  const budget = rateBudgetOf(options, time);
  const gate = new ConcurrencyGate(options.concurrency ?? 4);
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const parts = {
    transport: { baseUrl: options.baseUrl, fetch: options.fetch ?? globalThis.fetch, timeoutMs: options.requestTimeoutMs ?? 10_000 },
    budget, gate, retry, time, logger: options.logger,
  };
  // the cache fetches through the executor and the executor reads from the cache: the closure breaks the cycle
  const tokens: AccessTokenCache = new AccessTokenCache((corpId, secret) => executor.issueToken(corpId, secret),
    options.tokenRefreshMarginSeconds ?? 300, () => time.now());
  const executor: RequestExecutor = new RequestExecutor(parts, tokens);

  const secretOf = (role: SecretRole): string => {
    if (role === 'main') return options.secret;
    // without an archive secret the main one is tried: WeCom then answers 48002, which names the problem
    return options.archiveSecret ?? options.secret;
  };
  const call: CallWecom = (role, request) => executor.call(options.corpId, secretOf(role), request);

  const client: WecomClient = {
    corpId: options.corpId,
    getExternalContact: (id) => getExternalContact(call, id),
    getUser: (id) => getUser(call, id),
    getCustomerGroup: (id, groupOptions) => getCustomerGroup(call, id, groupOptions),
    getInternalGroup: (id) => getInternalGroup(call, id),
    listFollowUsers: () => listFollowUsers(call),
    listExternalContactIds: (userId) => listExternalContactIds(call, userId),
    batchGetExternalContacts: (userIds, page) => batchGetExternalContacts(call, userIds, page),
    listCustomerGroups: (query) => listCustomerGroups(call, query),
    listUserIds: (page) => listUserIds(call, page),
    listCorpTags: (query) => listCorpTags(call, query),
    testConnection: () => testConnection({
      corpId: options.corpId,
      baseUrl: options.baseUrl,
      secrets: options.archiveSecret ? ['main', 'archive'] : ['main'],
      token: (role) => tokens.get(options.corpId, secretOf(role)),
      probe: (role) => (role === 'main' ? listFollowUsers(call) : listArchivePermitUsers(call)),
    }),
    resolveName: (id, kind) => resolveName(client, id, kind),
    diagnostics: () => ({ concurrencyLimit: gate.limit, inFlight: gate.inFlight, cachedTokens: tokens.size, pausedUntil: budget.pausedUntilMs }),
  };
  return client;
}

function rateBudgetOf(options: WecomClientOptions, time: TimeSource): RateBudget {
  const perMinute = options.rateLimits?.corpApiPerMinute ?? options.rateLimitPerMinute ?? DEFAULT_WECOM_RATE_LIMITS.corpApiPerMinute;
  if (!options.redis) {
    return createLocalRateBudget(perMinute, options.rateLimitBurst ?? Math.min(10, Math.max(1, Math.floor(perMinute / 60))), time);
  }
  return createRedisRateBudget({
    redis: options.redis, corpId: options.corpId, time,
    limits: { ...DEFAULT_WECOM_RATE_LIMITS, ...options.rateLimits, corpApiPerMinute: perMinute },
    ...(options.rateLimitEgress === undefined ? {} : { egress: options.rateLimitEgress }),
    ...(options.rateLimitMaxWaitMs === undefined ? {} : { maxWaitMs: options.rateLimitMaxWaitMs }),
    ...(options.rateRules === undefined ? {} : { rules: options.rateRules }),
  });
}

const optionsShape = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }),
  corpId: z.string().min(1),
  secret: z.string().min(1),
  archiveSecret: z.string().min(1).optional(),
  rateLimitPerMinute: z.number().positive().optional(),
  rateLimitBurst: z.number().int().min(1).optional(),
  rateLimits: z.object({
    corpApiPerMinute: z.number().int().positive(), corpApiPerHour: z.number().int().positive(),
    ipApiPerMinute: z.number().int().positive(), ipApiPerHour: z.number().int().positive(),
  }).partial().optional(),
  rateLimitMaxWaitMs: z.number().min(0).optional(),
  concurrency: z.number().int().min(1).optional(),
  tokenRefreshMarginSeconds: z.number().min(0).optional(),
  requestTimeoutMs: z.number().int().positive().optional(),
});

/** Fails fast, naming every bad option at once (and never echoing a secret). */
function checkOptions(options: WecomClientOptions): void {
  const result = optionsShape.safeParse(options);
  if (result.success) return;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new TypeError(`invalid WeCom client options: ${problems.join('; ')}`);
}
