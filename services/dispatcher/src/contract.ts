/**
 * The JSON the dispatcher API answers with: one definition for the server, the page (`web/`), the tests and `/docs`.
 * Times are ISO 8601 with offset.
 */
import { z } from 'zod';
import { alertRaisedSchema, DISPATCH_CHANNELS } from '@doitcrm/types';

export const channelSchema = z.enum(DISPATCH_CHANNELS).describe('sms, email, wecom_app, wecom_robot, wechat_oa, feishu_bot, app_webhook');

export const variableValueSchema = z.union([z.string(), z.number(), z.boolean()]);

/** a Beijing wall-clock time, HH:MM (Asia/Shanghai has no daylight saving) */
export const beijingTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/u, '须为北京时间 HH:MM（如 21:30）');

/**
 * A template's or an alert rule's own quiet hours, over the global `quiet_hours` setting: null = the setting;
 * `{enabled: false}` = never held; `{enabled: true, start, end, bypassPriority}` = these hours (Beijing time, may span
 * midnight), whatever the setting's channel list says.
 */
export const quietHoursOverrideSchema = z.discriminatedUnion('enabled', [
  z.object({ enabled: z.literal(false) }).strict(),
  z.object({
    enabled: z.literal(true),
    start: beijingTimeSchema,
    end: beijingTimeSchema,
    bypassPriority: z.number().int().min(0).max(10).describe('this priority and above goes out in the quiet hours too'),
  }).strict(),
]).nullable().describe('null = the global quiet_hours setting; {enabled:false} = never held; or own start/end (HH:MM Beijing) and bypassPriority');
export type QuietHoursOverride = z.infer<typeof quietHoursOverrideSchema>;

export const templateSchema = z.object({
  id: z.number(),
  name: z.string(),
  channel: channelSchema,
  subject: z.string().nullable().describe('e-mail subject or card title, plain text; may hold {{variables}}'),
  body: z.string().describe('the message with {{variable}} placeholders; values are escaped for the channel when rendered'),
  variables: z.array(z.string()).describe('derived from subject and body by the template parser, in order of first use'),
  sampleVariables: z.record(z.string(), variableValueSchema).describe('values the preview and the demo use'),
  active: z.boolean(),
  fallbackTemplateId: z.number().nullable().describe('sent instead (once) when this template\'s send fails permanently'),
  fallbackChannel: channelSchema.nullable(),
  webhookUrl: z.string().nullable().describe('app_webhook: where the message is POSTed'),
  webhookSecretRef: z.string().nullable().describe('app_webhook: name of the setting holding the HMAC secret'),
  providerTemplate: z.string().nullable().describe('the provider\'s own template code (Aliyun TemplateCode, Tencent TemplateId, WeChat OA template_id)'),
  quietHours: quietHoursOverrideSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'Template' });
export type Template = z.infer<typeof templateSchema>;

export const templateListSchema = z.object({ items: z.array(templateSchema) }).meta({ id: 'TemplateList' });
export type TemplateList = z.infer<typeof templateListSchema>;

export const previewSchema = z.object({
  channel: channelSchema,
  variables: z.array(z.string()),
  subject: z.string().optional(),
  body: z.string().describe('the rendered body, values escaped for the channel'),
}).meta({ id: 'TemplatePreview' });
export type TemplatePreview = z.infer<typeof previewSchema>;

// The monitor: hot configuration, message search and traces, retries, statistics. Days are Beijing days (YYYY-MM-DD).

export const configEntrySchema = z.object({
  key: z.string(),
  value: z.unknown().describe('the value in force: the stored one when it validates, else the default'),
  default: z.unknown(),
  version: z.number().describe('0 while the key has never been written; send it back (body `version` or `If-Match`) to change the key'),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
  problems: z.array(z.string()).describe('why a stored value was ignored (written outside the API); empty when it is in force'),
}).meta({ id: 'DispatchConfigEntry' });
export type ConfigEntry = z.infer<typeof configEntrySchema>;

export const configListSchema = z.object({ items: z.array(configEntrySchema) }).meta({ id: 'DispatchConfigList' });
export type ConfigList = z.infer<typeof configListSchema>;

export const MESSAGE_STATUSES = ['pending', 'queued', 'processing', 'retrying', 'deferred', 'sent', 'failed', 'cancelled'] as const;
export const messageStatusSchema = z.enum(MESSAGE_STATUSES);
export type MessageStatus = z.infer<typeof messageStatusSchema>;

export const DELIVERY_STATUSES = ['delivered', 'undelivered', 'unknown'] as const;
export const deliveryStatusSchema = z.enum(DELIVERY_STATUSES);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

/**
 * Where a channel's delivery verdict comes from: `provider` — SMS providers push receipts (the trace's `callback`
 * stage); `http_status` — an app webhook's 2xx answer is its delivery; `none` — WeCom, robots, WeChat OA, Feishu and
 * SMTP say only that they accepted the message.
 */
export const CHANNEL_RECEIPTS: Record<(typeof DISPATCH_CHANNELS)[number], 'provider' | 'http_status' | 'none'> = {
  sms: 'provider', app_webhook: 'http_status', email: 'none', wecom_app: 'none', wecom_robot: 'none', wechat_oa: 'none', feishu_bot: 'none',
};

export const messageSummarySchema = z.object({
  id: z.number(),
  traceId: z.string(),
  batchId: z.string(),
  templateId: z.number(),
  templateName: z.string(),
  channel: channelSchema,
  recipient: z.string().describe('masked (138****5678, z***@example.com) for viewers'),
  priority: z.number(),
  status: messageStatusSchema,
  attempts: z.number(),
  lastError: z.string().nullable(),
  deliveryStatus: deliveryStatusSchema.nullable().describe('sent messages: delivered / undelivered by a receipt (an app webhook by its 2xx), else unknown; null before sent'),
  deliveredAt: z.string().nullable().describe('the receipt\'s own time'),
  deliveryError: z.string().nullable().describe('the receipt\'s status code and text when undelivered'),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
}).meta({ id: 'DispatchMessage' });
export type MessageSummary = z.infer<typeof messageSummarySchema>;

export const messagePageSchema = z.object({
  items: z.array(messageSummarySchema),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next (older) page; null at the end'),
}).meta({ id: 'DispatchMessagePage' });
export type MessagePage = z.infer<typeof messagePageSchema>;

export const traceEventSchema = z.object({
  stage: z.string(),
  at: z.string(),
  detail: z.record(z.string(), z.unknown()).describe('provider, attempt, error and its class, latency, receipt'),
}).meta({ id: 'DispatchTraceEvent' });
export type TraceEvent = z.infer<typeof traceEventSchema>;

export const traceSchema = z.object({
  message: messageSummarySchema.extend({
    variables: z.record(z.string(), z.unknown()).describe('withheld (empty) for viewers: values may be personal'),
    lastErrorKind: z.string().nullable(),
    provider: z.string().nullable(),
    providerMessageId: z.string().nullable(),
    fallbackOf: z.number().nullable(),
    fallbackRecipient: z.string().nullable().describe('where the caller said its fallback goes; masked like the recipient for viewers'),
    queuedAt: z.string().nullable(),
    dueAt: z.string().nullable(),
  }),
  template: z.object({ id: z.number(), name: z.string(), channel: channelSchema }),
  events: z.array(traceEventSchema),
}).meta({ id: 'DispatchTrace' });
export type Trace = z.infer<typeof traceSchema>;

export const retryResultSchema = z.object({ retried: z.number().describe('failed messages put back to queued') }).meta({ id: 'DispatchRetryResult' });
export type RetryResult = z.infer<typeof retryResultSchema>;

const latencySchema = z.object({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() }).describe('queued → sent, ms');

export const channelStatsSchema = z.object({
  channel: channelSchema,
  sent: z.number(),
  failed: z.number(),
  successRate: z.number().nullable().describe('sent / (sent + failed), 0–1; null with neither'),
  delivered: z.number().describe('of the period\'s messages, delivered by a receipt (or an app webhook\'s 2xx)'),
  undelivered: z.number().describe('sent, but a receipt said not delivered'),
});

export const overviewSchema = z.object({
  from: z.string(),
  to: z.string(),
  sent: z.number(),
  failed: z.number(),
  retried: z.number(),
  successRate: z.number().nullable(),
  latencyMs: latencySchema,
  channels: z.array(channelStatsSchema),
  trend: z.array(z.object({ day: z.string(), sent: z.number(), failed: z.number(), successRate: z.number().nullable() })).describe('the 7 days ending `to`'),
}).meta({ id: 'DispatchStatisticsOverview' });
export type Overview = z.infer<typeof overviewSchema>;

const windowRateSchema = z.object({ sent: z.number(), failed: z.number(), perSecond: z.number(), successRate: z.number().nullable() });

export const realtimeSchema = z.object({
  at: z.string(),
  lastMinute: windowRateSchema,
  lastFiveMinutes: windowRateSchema,
  channels: z.array(z.object({ channel: channelSchema, sentLastMinute: z.number(), failedLastMinute: z.number() })),
  queues: z.array(z.object({
    queue: z.string().describe('logical name (topology.ts)'),
    channel: channelSchema.nullable(),
    tier: z.number().nullable(),
    messages: z.number().nullable().describe('ready messages; null when the queue is not declared or the broker is away'),
    consumers: z.number().nullable(),
  })),
  workers: z.object({
    instances: z.number(),
    busy: z.number(),
    capacity: z.number(),
    utilisation: z.number().nullable().describe('busy / capacity over every live worker instance, 0–1'),
    channels: z.array(z.object({ channel: channelSchema, busy: z.number(), capacity: z.number() })),
  }),
  backlog: z.object({ queued: z.number(), retrying: z.number(), deferred: z.number(), pending: z.number() }).describe('messages waiting, by status'),
}).meta({ id: 'DispatchStatisticsRealtime' });
export type Realtime = z.infer<typeof realtimeSchema>;

export const sendAcceptedSchema = z.object({
  batchId: z.string().describe('the batch the messages share (search by it)'),
  traceIds: z.array(z.string()).describe('one per recipient, in the order sent: GET /api/messages/traces/{traceId}'),
  traceId: z.string().optional().describe('single send: its one trace id'),
  queued: z.number().describe('messages queued for sending now'),
  held: z.number().describe('messages held until dueAt (send_at in the future, or quiet hours)'),
  holdReason: z.enum(['send_at', 'quiet_hours']).nullable(),
  dueAt: z.string().nullable().describe('when held messages are queued, ISO 8601'),
}).meta({ id: 'SendAccepted' });
export type SendAccepted = z.infer<typeof sendAcceptedSchema>;

/* Alert rules (`/api/alert-rules`): which raised alerts go out with which template to whom. */
export const ALERT_KINDS = alertRaisedSchema.shape.kind.options;
export const ALERT_SEVERITIES = alertRaisedSchema.shape.severity.options;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_KIND_TITLES: Record<AlertKind, string> = {
  silent_parent: '家长沉默', churn_risk: '流失风险', slow_response: '回复慢', keyword: '关键词', sync_health: '客户同步健康',
};
export const ALERT_SEVERITY_TITLES: Record<AlertSeverity, string> = { info: '提示', warning: '警告', critical: '严重' };

/** What a rule's template may use: each alert's (a digest fills them for the whole storm, `count` > 1). */
export const ALERT_TEMPLATE_VARIABLES = ['title', 'kind', 'severity', 'class', 'evidence_url', 'count'] as const;

export const alertRuleSchema = z.object({
  id: z.number(),
  name: z.string(),
  kind: z.enum(ALERT_KINDS).nullable().describe('null = every kind'),
  minSeverity: z.enum(ALERT_SEVERITIES).describe('alerts of this severity or higher (info < warning < critical)'),
  classId: z.number().nullable().describe('crm class id; null = every class'),
  templateId: z.number(),
  templateName: z.string(),
  channel: channelSchema.describe('the template\'s channel'),
  recipients: z.array(z.string()).describe('each gets one message per alert (or per digest)'),
  priority: z.number().int().min(0).max(10),
  active: z.boolean(),
  quietHours: quietHoursOverrideSchema.describe('the recipients\' own quiet hours: over the template\'s and the global setting; null = the template\'s'),
  templateQuietHours: quietHoursOverrideSchema.describe('the template\'s own (null = the global setting), used when the rule has none'),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'AlertRule' });
export type AlertRule = z.infer<typeof alertRuleSchema>;

export const alertRuleListSchema = z.object({ items: z.array(alertRuleSchema) }).meta({ id: 'AlertRuleList' });
export type AlertRuleList = z.infer<typeof alertRuleListSchema>;

export const alertRuleBodySchema = z.object({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(ALERT_KINDS).nullable().default(null),
  minSeverity: z.enum(ALERT_SEVERITIES).default('warning'),
  classId: z.number().int().positive().max(2_147_483_647).nullable().default(null),
  templateId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  recipients: z.array(z.string().trim().min(1).max(320)).min(1).max(50),
  priority: z.number().int().min(0).max(10).default(7),
  active: z.boolean().default(true),
  quietHours: quietHoursOverrideSchema.optional().describe('omitted on a change: kept as it is; null = the template\'s quiet hours'),
}).meta({ id: 'AlertRuleBody' });
export type AlertRuleBody = z.infer<typeof alertRuleBodySchema>;

export const alertRuleIdParamsSchema = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
