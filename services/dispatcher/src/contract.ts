/**
 * The JSON the dispatcher API answers with: one definition for the server, the page (`web/`), the tests and `/docs`.
 * Times are ISO 8601 with offset.
 */
import { z } from 'zod';
import { alertRaisedSchema, DISPATCH_CHANNELS } from '@doitcrm/types';

export const channelSchema = z.enum(DISPATCH_CHANNELS).describe('sms, email, wecom_app, wecom_robot, wechat_oa, feishu_bot, app_webhook');

export const variableValueSchema = z.union([z.string(), z.number(), z.boolean()]);

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

/* Alert rules (`/api/alert-rules`): which raised alerts go out with which template to whom. */
export const ALERT_KINDS = alertRaisedSchema.shape.kind.options;
export const ALERT_SEVERITIES = alertRaisedSchema.shape.severity.options;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_KIND_TITLES: Record<AlertKind, string> = {
  silent_parent: '家长沉默', churn_risk: '流失风险', slow_response: '回复慢', keyword: '关键词',
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
}).meta({ id: 'AlertRuleBody' });
export type AlertRuleBody = z.infer<typeof alertRuleBodySchema>;

export const alertRuleIdParamsSchema = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
