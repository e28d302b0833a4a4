import { z } from 'zod';
import { channelSchema, variableValueSchema } from '../../contract.ts';

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
