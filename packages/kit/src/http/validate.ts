import type { Request } from 'express';
import { z } from 'zod';
import { ValidationError } from '../errors.ts';

/**
 * zod's own messages in Chinese, as the pages that show them speak (a schema's own message still wins): the
 * dispatcher's configuration form put "Too big: expected number to be <=100" under a field.
 */
export const zodInChinese = { error: z.locales.zhCN().localeError };

function toValidationError(where: string, error: z.ZodError): ValidationError {
  const details = error.issues.map((issue) => ({ field: issue.path.join('.') || where, message: issue.message }));
  const fields = [...new Set(details.map((detail) => detail.field))].join(', ');
  return new ValidationError(`参数无效: ${fields}`, details);
}

/** Query parameters checked against a schema; a 400 names every bad parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const result = schema.safeParse(req.query, zodInChinese);
  if (!result.success) throw toValidationError('query', result.error);
  return result.data;
}

export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const result = schema.safeParse(req.body ?? {}, zodInChinese);
  if (!result.success) throw toValidationError('body', result.error);
  return result.data;
}

export function parseParams<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const result = schema.safeParse(req.params, zodInChinese);
  if (!result.success) throw toValidationError('path', result.error);
  return result.data;
}
