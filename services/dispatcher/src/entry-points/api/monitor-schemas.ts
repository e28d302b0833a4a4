import { z } from 'zod';
import { deliveryStatusSchema, messageStatusSchema } from '../../contract.ts';

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
// a blank form field means "not filtered"
const blank = <S extends z.ZodType>(schema: S) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/u, 'YYYY-MM-DD').refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), '不是有效日期');

export const configKeyParamsSchema = z.object({ key: z.string().max(100) });

export const configBodySchema = z.object({
  value: z.unknown().refine((value) => value !== undefined, '需要 value'),
  version: z.number().int().min(0).optional().describe('the version read; or send it as `If-Match`. A stale one → 409'),
});

export const messageQuerySchema = z.object({
  recipient: blank(z.string().trim().max(320)).describe('exactly as sent (a phone number, an address, a user id)'),
  templateId: blank(id),
  status: blank(messageStatusSchema),
  delivery: blank(deliveryStatusSchema).describe('delivered / undelivered (a receipt said so) / unknown (sent, no verdict)'),
  batchId: blank(z.uuid()),
  from: blank(z.iso.datetime({ offset: true })).describe('created at or after'),
  to: blank(z.iso.datetime({ offset: true })).describe('created before'),
  cursor: blank(z.string().max(200)),
  limit: blank(z.coerce.number().int().min(1).max(200)),
});

export const traceParamsSchema = z.object({ traceId: z.uuid() });
export const messageIdParamsSchema = z.object({ id });

export const retryFailedBodySchema = z.object({
  batch_id: z.uuid().optional(),
  template_id: z.number().int().positive().optional(),
}).refine((body) => (body.batch_id === undefined) !== (body.template_id === undefined), { message: '需要 batch_id 或 template_id 之一', path: ['batch_id'] });

export const overviewQuerySchema = z.object({
  from: blank(day).describe('first Beijing day (default: `to`)'),
  to: blank(day).describe('last Beijing day (default: today)'),
}).refine((query) => !query.from || !query.to || query.from <= query.to, { message: 'from 须不晚于 to', path: ['from'] })
  .refine((query) => !query.from || !query.to || Date.parse(query.to) - Date.parse(query.from) <= 92 * 86_400_000, { message: '最多 93 天', path: ['from'] });
