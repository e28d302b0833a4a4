import { z } from 'zod';

/** The API's shapes (the page to come imports only this file). Times are ISO 8601 with offset. */

export const followSchema = z.object({
  userId: z.string(),
  staffName: z.string().nullable(),
  remark: z.string(),
  description: z.string(),
  remarkCorpName: z.string(),
  remarkMobiles: z.array(z.string()).describe('masked (138****5678): the numbers themselves are never stored'),
  tagIds: z.array(z.string()),
  addWay: z.number().nullable(),
  createTime: z.string().nullable(),
  state: z.string(),
  status: z.enum(['active', 'lost', 'deleted_by_customer', 'deleted_by_staff']),
  lostAt: z.string().nullable(),
}).meta({ id: 'Follow' });
export type Follow = z.infer<typeof followSchema>;

export const contactListItemSchema = z.object({
  externalUserId: z.string(),
  name: z.string(),
  avatar: z.string().nullable(),
  type: z.number().nullable(),
  gender: z.number().nullable(),
  corpName: z.string().nullable(),
  status: z.enum(['normal', 'deleted', 'blocked']),
  contactKind: z.enum(['full', 'half']),
  firstSeenAt: z.string(),
  updatedAt: z.string(),
  deletedAt: z.string().nullable(),
  follows: z.array(followSchema),
}).meta({ id: 'Contact' });
export type ContactListItem = z.infer<typeof contactListItemSchema>;

export const contactDetailSchema = contactListItemSchema.extend({
  groups: z.array(z.object({ chatId: z.string(), name: z.string(), status: z.enum(['active', 'lost']), joinTime: z.string().nullable() })),
}).meta({ id: 'ContactDetail' });
export type ContactDetail = z.infer<typeof contactDetailSchema>;

export const contactListSchema = z.object({
  items: z.array(contactListItemSchema),
  next: z.string().nullable().describe('pass as `after` for the next page; null on the last'),
});

export const contactFilterSchema = z.object({
  q: z.string().trim().min(1).max(100).optional().describe('part of the name or of a member\'s remark'),
  tag: z.string().min(1).max(100).optional().describe('corp tag id'),
  staff: z.string().min(1).max(64).optional().describe('userid of a following member'),
  status: z.enum(['normal', 'deleted', 'blocked', 'lost']).optional().describe('lost: at least one relation lost'),
  after: z.string().max(128).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ContactFilter = z.infer<typeof contactFilterSchema>;

export const syncRunSchema = z.object({
  id: z.number(),
  jobId: z.string().nullable(),
  mode: z.enum(['full', 'incremental']),
  pass: z.number(),
  state: z.enum(['queued', 'running', 'succeeded', 'failed', 'abandoned']),
  checkpoint: z.record(z.string(), z.unknown()),
  counters: z.record(z.string(), z.unknown()),
  error: z.string().nullable(),
  resumedFrom: z.number().nullable(),
  passComplete: z.boolean(),
  createdBy: z.number().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  heartbeatAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
}).meta({ id: 'SyncRun' });

export const syncStartQuerySchema = z.object({
  mode: z.enum(['full', 'incremental']).default('incremental'),
  force: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
});

export const syncAcceptedSchema = z.object({ runId: z.number(), jobId: z.string(), pass: z.number(), resumedFrom: z.number().nullable() });

export const syncStatusSchema = z.object({
  current: syncRunSchema.extend({ job: z.unknown().nullable() }).nullable(),
  lastSucceeded: syncRunSchema.nullable(),
  runs: z.array(syncRunSchema),
});

export const syncTestSchema = z.object({
  ok: z.boolean(),
  corpId: z.string(),
  probes: z.array(z.object({ api: z.string(), ok: z.boolean(), errcode: z.number().nullable().optional(), message: z.string().optional() })),
  staff: z.number().nullable(),
  followUsers: z.number().nullable(),
  customers: z.number().nullable(),
  relations: z.number().nullable(),
  groups: z.number().nullable(),
  hints: z.array(z.string()),
});

/* Monitor (seeds/004 监控接口): the health score, the daily figures, the alerts in force. */
const healthPartSchema = z.object({
  points: z.number(), weight: z.number(), ratio: z.number().describe('0–1'),
  inputs: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).describe('the figures the part was computed from'),
});
export const healthSchema = z.object({
  score: z.number().int().min(0).max(100),
  status: z.enum(['healthy', 'degraded', 'critical']),
  windowDays: z.number(),
  parts: z.object({ successRate: healthPartSchema, consistency: healthPartSchema, errorRate: healthPartSchema, delay: healthPartSchema }),
}).meta({ id: 'SyncHealth' });

export const dayMetricsSchema = z.object({
  day: z.string().describe('Beijing day, YYYY-MM-DD'),
  runs: z.number(), failedRuns: z.number(), rowsWritten: z.number(), relationsAdded: z.number(), relationsLost: z.number(), wecomCalls: z.number(),
  customersTotal: z.number(), relationsActive: z.number(), callbacksReceived: z.number(), callbacksRefused: z.number(), callbacksDuplicate: z.number(),
  callbacksApplied: z.number(), callbackErrors: z.number(), errors: z.number().describe('failed runs + failed callback applies'),
  avgApplyDelaySeconds: z.number().nullable(), maxApplyDelaySeconds: z.number(), lastSuccessAt: z.string().nullable(),
}).meta({ id: 'SyncDayMetrics' });

export const metricsQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(30).default(7) });
export const metricsSchema = z.object({
  days: z.number(),
  series: z.array(dayMetricsSchema).describe('oldest first, a zero row for a quiet day'),
  totals: z.record(z.string(), z.number()),
});

export const alertsSchema = z.object({
  score: z.number(),
  alerts: z.array(z.object({
    kind: z.enum(['score', 'errors', 'delay']), severity: z.enum(['warning', 'critical']), title: z.string(),
    alertId: z.number().nullable().describe('the alert.raised id when this call raised it; null when raised earlier today'),
    raised: z.boolean(),
  })),
});
