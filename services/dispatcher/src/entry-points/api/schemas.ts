import { z } from 'zod';
import { channelSchema, quietHoursOverrideSchema, variableValueSchema } from '../../contract.ts';

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
// a blank form field means "none"
const optionalText = (max: number) => z.preprocess((value) => (value === '' ? null : value), z.string().trim().max(max).nullable().optional());

export const templateIdParamsSchema = z.object({ id });

export const variableValuesSchema = z.record(z.string(), variableValueSchema.nullable());

export const templateBodySchema = z.object({
  name: z.string().trim().min(1).max(100),
  channel: channelSchema,
  subject: optionalText(500),
  body: z.string().min(1).max(20_000),
  sampleVariables: variableValuesSchema.optional(),
  active: z.boolean().optional(),
  fallbackTemplateId: id.nullable().optional(),
  webhookUrl: z.preprocess((value) => (value === '' ? null : value), z.url({ protocol: /^https?$/ }).max(2000).nullable().optional()),
  webhookSecretRef: z.preprocess((value) => (value === '' ? null : value),
    z.string().regex(/^[A-Z][A-Z0-9_]{0,99}$/, 'the NAME of a setting (e.g. APP_WEBHOOK_SECRET), never the secret').nullable().optional()),
  providerTemplate: optionalText(200),
  quietHours: quietHoursOverrideSchema.optional()
    .describe('null = the global quiet_hours setting; {enabled:false} = never held; {enabled:true, start, end, bypassPriority} = its own (Beijing HH:MM). Omitted on a change: kept'),
});
export type TemplateBody = z.infer<typeof templateBodySchema>;

export const templateListQuerySchema = z.object({
  channel: z.preprocess((value) => (value === '' ? undefined : value), channelSchema.optional()),
  active: z.enum(['true', 'false']).optional().transform((value) => (value === undefined ? undefined : value === 'true')),
  search: z.string().trim().max(100).optional(),
});

export const previewBodySchema = z.object({
  channel: channelSchema,
  subject: optionalText(500),
  body: z.string().min(1).max(20_000),
  variables: variableValuesSchema.default({}),
});

export const savedPreviewBodySchema = z.object({
  variables: variableValuesSchema.optional().describe('default: the template\'s sample values'),
});

/** the largest batch one request may carry (issue 16: 10,000; the peers stop at 100) */
export const MAX_BATCH_RECIPIENTS = 10_000;
/** The body limit of a batch (the default is 1 MB): 10,000 recipients with a few values each fit with room to spare. */
export const SEND_BATCH_JSON_LIMIT = '10mb';
/** A single send needs no more than the default; listed so that its 413 names the limit too. */
export const SEND_JSON_LIMIT = '1mb';

const sendValues = z.record(z.string().max(100), z.union([z.string().max(2_000), z.number(), z.boolean()]).nullable());
const sendCommon = {
  template_id: id,
  priority: z.number().int().min(0).max(10).default(5).describe('0–10; 9 and above are urgent and pass quiet hours'),
  send_at: z.iso.datetime({ offset: true, error: 'send_at 须为带时区的 ISO 8601 时间，如 2026-12-05T09:00:00+08:00' }).optional()
    .describe('ISO 8601 with offset; held until then when in the future'),
};
const recipientText = z.string().trim().min(1).max(320);
const fallbackRecipient = recipientText.optional()
  .describe('where the fallback template goes when this one fails permanently (a phone for an SMS fallback of a WeCom message); checked for the fallback\'s channel');

export const sendBodySchema = z.object({
  ...sendCommon,
  recipient: recipientText.describe('phone (SMS), e-mail address, WeCom userid, WeChat openid; a label for robots and webhooks'),
  fallback_recipient: fallbackRecipient,
  variables: sendValues.default({}),
});

export const sendBatchBodySchema = z.object({
  ...sendCommon,
  recipients: z.array(z.union([recipientText, z.object({ recipient: recipientText, fallback_recipient: fallbackRecipient, variables: sendValues.optional() })]))
    .min(1).max(MAX_BATCH_RECIPIENTS, `一次最多 ${MAX_BATCH_RECIPIENTS} 个收件人`)
    .describe(`at most ${MAX_BATCH_RECIPIENTS}: addresses, or {recipient, fallback_recipient?, variables?} with that recipient's own values`),
  variables: sendValues.default({}).describe('values shared by every recipient; a recipient\'s own override them'),
});

export const idempotencyKeySchema = z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/u, 'printable ASCII, no spaces');
