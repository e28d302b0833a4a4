/**
 * The JSON the dispatcher API answers with: one definition for the server, the page (`web/`), the tests and `/docs`.
 * Times are ISO 8601 with offset.
 */
import { z } from 'zod';
import { DISPATCH_CHANNELS } from '@doitcrm/types';

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
