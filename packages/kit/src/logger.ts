import { AsyncLocalStorage } from 'node:async_hooks';
import pino from 'pino';

export type Logger = pino.Logger;

/** What travels with one request or one queue message: every log line written inside carries it. */
export interface RequestContext {
  requestId: string;
  traceId: string;
  userId?: number;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** JSON lines to stdout; `destination` exists for tests that read what was logged. */
export function createLogger(options: { service: string; level?: string; destination?: pino.DestinationStream }): Logger {
  return pino({
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const context = requestContext.getStore();
      return context ? { requestId: context.requestId, traceId: context.traceId, userId: context.userId } : {};
    },
    redact: {
      paths: ['password', '*.password', 'req.headers.cookie', 'req.headers.authorization', '*.token', '*.secret'],
      censor: '[redacted]',
    },
  }, options.destination);
}
