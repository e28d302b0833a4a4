/**
 * The alert rules' JSON (services/dispatcher `/api/alert-rules`), for the server, the page and `/docs`: which raised
 * alerts go out with which template to whom. Kept beside contract.ts so the rules' slice owns its own definitions.
 */
import { z } from 'zod';
import { alertRaisedSchema } from '@doitcrm/types';
import { channelSchema } from './contract.ts';

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
