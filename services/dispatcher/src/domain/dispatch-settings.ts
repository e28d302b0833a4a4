import { z } from 'zod';
import { DISPATCH_CHANNELS } from '@doitcrm/types';
import { DOCUMENTED_LIMITS, limitsConfigProblems, type LimitsConfig } from '@doitcrm/limits';
import { beijingTimeSchema } from '../contract.ts';

/**
 * The dispatcher's hot configuration: one row of `dispatch.configs` per key below, each validated by its schema before
 * it is written (the config API) and read by every worker within seconds of a change (the settings watcher), so the
 * page can change limits, concurrency, quiet hours, fallback, dedupe and digest without a restart. A key with no row
 * takes its default here.
 */
const hhmm = beijingTimeSchema;

const rateWindow = z.object({ limit: z.number().int().positive(), windowMs: z.number().int().positive() });
const scopePolicy = z.object({
  rate: z.array(rateWindow).optional(),
  dailyCap: z.number().int().positive().optional(),
  concurrency: z.object({ limit: z.number().int().positive(), leaseMs: z.number().int().positive() }).optional(),
});

export const limitsSettingSchema = z.object({
  channels: z.record(z.string(), scopePolicy.extend({
    perRecipient: z.object({ rate: z.array(rateWindow).optional(), dailyCap: z.number().int().positive().optional() }).optional(),
  })),
  providers: z.record(z.string(), scopePolicy).optional(),
}).superRefine((value, ctx) => {
  for (const problem of limitsConfigProblems(value as LimitsConfig)) ctx.addIssue({ code: 'custom', message: problem });
});

export const dispatchSettingSchemas = {
  /** shared by every worker and instance through Redis (packages/limits) */
  limits: limitsSettingSchema,
  /** messages one process's worker works on at once, per channel (the prefetch follows it) */
  'workers.concurrency': z.record(z.enum(DISPATCH_CHANNELS), z.number().int().min(1).max(256)),
  /** held until `end` when created between `start` and `end` (Beijing time); priority ≥ bypassPriority goes now */
  'quiet_hours': z.object({
    enabled: z.boolean(),
    start: hhmm,
    end: hhmm,
    bypassPriority: z.number().int().min(0).max(10),
    channels: z.array(z.enum(DISPATCH_CHANNELS)),
  }),
  /** a permanent failure on a template with a fallback template is sent once more on that template */
  fallback: z.object({ enabled: z.boolean() }),
  /** the same template + recipient + content within the window is sent once */
  dedupe: z.object({ windowSeconds: z.number().int().min(0).max(7 * 86_400) }),
  /** a storm of one alert within the window is folded into one message once `threshold` of them arrive */
  digest: z.object({ enabled: z.boolean(), windowSeconds: z.number().int().min(10).max(86_400), threshold: z.number().int().min(2).max(10_000) }),
  /** transient failures: attempts in all (the back-off steps are topology.ts RETRY_STEPS_MS) */
  retry: z.object({ maxAttempts: z.number().int().min(1).max(20) }),
  /** days traces are kept before they are rolled into daily statistics and dropped */
  'traces.retention_days': z.number().int().min(1).max(90),
} as const;

export type DispatchSettingKey = keyof typeof dispatchSettingSchemas;
export type DispatchSettings = { [K in DispatchSettingKey]: z.infer<(typeof dispatchSettingSchemas)[K]> };

export const DEFAULT_DISPATCH_SETTINGS: DispatchSettings = {
  limits: DOCUMENTED_LIMITS as DispatchSettings['limits'],
  'workers.concurrency': { sms: 32, email: 16, wecom_app: 32, wecom_robot: 8, wechat_oa: 16, feishu_bot: 8, app_webhook: 32 },
  quiet_hours: { enabled: true, start: '21:30', end: '08:00', bypassPriority: 9, channels: ['sms', 'wecom_app', 'wechat_oa'] },
  fallback: { enabled: true },
  dedupe: { windowSeconds: 600 },
  digest: { enabled: true, windowSeconds: 300, threshold: 5 },
  retry: { maxAttempts: 6 },
  'traces.retention_days': 7,
};
