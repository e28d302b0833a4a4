import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { requestContext } from '../logger.ts';

const SAFE_ID = /^[A-Za-z0-9._:-]{8,100}$/;

/** Gives every request an id (kept from X-Request-Id when sane) that every log line of the request carries. */
export const requestContextMiddleware: RequestHandler = (req, res, next) => {
  const incoming = req.get('x-request-id');
  const requestId = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
  const traceHeader = req.get('x-trace-id');
  const traceId = traceHeader && SAFE_ID.test(traceHeader) ? traceHeader : requestId;
  res.setHeader('X-Request-Id', requestId);
  requestContext.run({ requestId, traceId }, () => next());
};
