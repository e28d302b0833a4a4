import type { Request } from 'express';
import type { z } from 'zod';
import { ValidationError } from '../errors.ts';

function toValidationError(where: string, error: z.ZodError): ValidationError {
  const details = error.issues.map((issue) => ({ field: issue.path.join('.') || where, message: issue.message }));
  const fields = [...new Set(details.map((detail) => detail.field))].join(', ');
  return new ValidationError(`参数无效: ${fields}`, details);
}

/** Query parameters checked against a schema; a 400 names every bad parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const result = schema.safeParse(req.query);
  if (!result.success) throw toValidationError('query', result.error);
  return result.data;
}

export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const result = schema.safeParse(req.body ?? {});
  if (!result.success) throw toValidationError('body', result.error);
  return result.data;
}

export function parseParams<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const result = schema.safeParse(req.params);
  if (!result.success) throw toValidationError('path', result.error);
  return result.data;
}
