import { z } from 'zod';

/** `{code, msg, data?, error?}` (§2.1); what else an answer holds is read per endpoint. */
export const envelopeShape = z.object({
  code: z.number().int(),
  msg: z.string().optional().default(''),
  data: z.unknown().optional(),
  error: z.object({ log_id: z.string().optional() }).optional(),
});

/** The token endpoint answers at the top level, not in `data` (§2.2). */
export const tenantTokenShape = z.object({ tenant_access_token: z.string().min(1), expire: z.number().positive() });

const pageShape = { has_more: z.boolean().optional().default(false), page_token: z.string().optional(), total: z.number().optional() };

export const fieldsPageShape = z.object({
  items: z.array(z.object({
    field_id: z.string(),
    field_name: z.string(),
    type: z.number().int(),
    ui_type: z.string().optional(),
    is_primary: z.boolean().optional().default(false),
    property: z.record(z.string(), z.unknown()).nullable().optional(),
  })).nullable().optional().default([]),
  ...pageShape,
});

const recordShape = z.object({
  record_id: z.string(),
  fields: z.record(z.string(), z.unknown()).optional().default({}),
});

export const searchPageShape = z.object({ items: z.array(recordShape).nullable().optional().default([]), ...pageShape });
export const recordsAnswerShape = z.object({ records: z.array(recordShape).optional().default([]) });
export const recordAnswerShape = z.object({ record: recordShape });
export const deleteAnswerShape = z.object({ records: z.array(z.object({ deleted: z.boolean(), record_id: z.string() })).optional().default([]) });
