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

export const contactFilterOptionsSchema = z.object({
  staff: z.array(z.object({ userId: z.string(), name: z.string(), customers: z.number().describe('active relations') })),
  tags: z.array(z.object({ tagId: z.string(), name: z.string().describe('the tag id when the corp tag library has not named it yet'), groupName: z.string().nullable() })),
}).meta({ id: 'ContactFilterOptions' });
export type ContactFilterOptions = z.infer<typeof contactFilterOptionsSchema>;

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

export type SyncRun = z.infer<typeof syncRunSchema>;

export const syncStatusSchema = z.object({
  current: syncRunSchema.extend({ job: z.unknown().nullable() }).nullable(),
  lastSucceeded: syncRunSchema.nullable(),
  runs: z.array(syncRunSchema),
});

export type SyncStatus = z.infer<typeof syncStatusSchema>;
export type SyncAccepted = z.infer<typeof syncAcceptedSchema>;

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

export type SyncTest = z.infer<typeof syncTestSchema>;

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
export type SyncHealth = z.infer<typeof healthSchema>;

export const dayMetricsSchema = z.object({
  day: z.string().describe('Beijing day, YYYY-MM-DD'),
  runs: z.number(), failedRuns: z.number(), rowsWritten: z.number(), relationsAdded: z.number(), relationsLost: z.number(), wecomCalls: z.number(),
  customersTotal: z.number(), relationsActive: z.number(), callbacksReceived: z.number(), callbacksRefused: z.number(), callbacksDuplicate: z.number(),
  callbacksApplied: z.number(), callbackErrors: z.number(), errors: z.number().describe('failed runs + failed callback applies'),
  avgApplyDelaySeconds: z.number().nullable(), maxApplyDelaySeconds: z.number(), lastSuccessAt: z.string().nullable(),
}).meta({ id: 'SyncDayMetrics' });
export type DayMetrics = z.infer<typeof dayMetricsSchema>;

export const metricsQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(30).default(7) });
export const metricsSchema = z.object({
  days: z.number(),
  series: z.array(dayMetricsSchema).describe('oldest first, a zero row for a quiet day'),
  totals: z.record(z.string(), z.number()),
});
export type SyncMetrics = z.infer<typeof metricsSchema>;

export const alertsSchema = z.object({
  score: z.number(),
  alerts: z.array(z.object({
    kind: z.enum(['score', 'errors', 'delay']), severity: z.enum(['warning', 'critical']), title: z.string(),
    alertId: z.number().nullable().describe('the alert.raised id when this call raised it; null when raised earlier today'),
    raised: z.boolean(),
  })),
});
export type SyncAlerts = z.infer<typeof alertsSchema>;

/*
 * Schedules (settings on the page): hourly incremental at a minute, daily full at a time, weekly clean-up on a weekday
 * at a time — Beijing time. Messages name the field in Chinese: the page shows them as they are.
 */
export const SCHEDULE_TITLES = { incremental: '增量同步', full: '全量同步', cleanup: '每周清理' } as const;
export type ScheduleName = keyof typeof SCHEDULE_TITLES;

const clockTime = (title: string) => z.string({ error: `${title}的时间须为 HH:MM` })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, `${title}的时间须为 HH:MM（00:00–23:59）`);
const enabledFlag = (title: string) => z.boolean({ error: `${title}的开关须为 true 或 false` });

export const scheduleSettingsBodySchema = z.object({
  incremental: z.object({
    enabled: enabledFlag('增量同步'),
    minute: z.number({ error: '增量同步的分钟须为 0–59 的整数' }).int('增量同步的分钟须为 0–59 的整数')
      .min(0, '增量同步的分钟须为 0–59 的整数').max(59, '增量同步的分钟须为 0–59 的整数'),
  }, { error: '缺少增量同步的设置' }),
  full: z.object({ enabled: enabledFlag('全量同步'), time: clockTime('全量同步') }, { error: '缺少全量同步的设置' }),
  cleanup: z.object({
    enabled: enabledFlag('每周清理'),
    weekday: z.number({ error: '每周清理的星期须为 0（周日）–6 的整数' }).int('每周清理的星期须为 0（周日）–6 的整数')
      .min(0, '每周清理的星期须为 0（周日）–6 的整数').max(6, '每周清理的星期须为 0（周日）–6 的整数'),
    time: clockTime('每周清理'),
  }, { error: '缺少每周清理的设置' }),
}).meta({ id: 'ScheduleSettingsInput' });
export type ScheduleSettingsInput = z.infer<typeof scheduleSettingsBodySchema>;

const scheduleStateSchema = z.object({
  cron: z.string().describe('the cron expression in force (Beijing time), "off" when disabled'),
  nextRunAt: z.string().nullable(),
});
export const scheduleSettingsSchema = z.object({
  incremental: scheduleSettingsBodySchema.shape.incremental.extend(scheduleStateSchema.shape),
  full: scheduleSettingsBodySchema.shape.full.extend(scheduleStateSchema.shape),
  cleanup: scheduleSettingsBodySchema.shape.cleanup.extend(scheduleStateSchema.shape),
  saved: z.boolean().describe('false: nobody saved yet, the CONTACTS_SYNC_*_CRON settings are in force'),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  retentionDays: z.number().describe('what the clean-up keeps (CONTACTS_SYNC_RETENTION_DAYS)'),
}).meta({ id: 'ScheduleSettings' });
export type ScheduleSettings = z.infer<typeof scheduleSettingsSchema>;
