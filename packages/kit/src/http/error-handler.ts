import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, NotFoundError, PayloadTooLargeError, TooManyRequestsError, ValidationError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { requestContext } from '../logger.ts';

export interface ErrorBody {
  id: string;
  name: string;
  message: string;
  details?: AppError['details'];
}

/** Errors thrown by body parsers and friends carry a status and a type; turn them into our family. */
function normalise(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const candidate = error as { status?: number; statusCode?: number; type?: string; message?: string };
  const status = candidate?.status ?? candidate?.statusCode;
  if (candidate?.type === 'entity.too.large') return new PayloadTooLargeError('请求体过大');
  if (candidate?.type === 'entity.parse.failed') return new ValidationError('请求体不是有效的 JSON', [{ field: 'body', message: candidate.message ?? 'invalid JSON' }]);
  if (typeof status === 'number' && status >= 400 && status < 500) return new AppError(candidate.message ?? 'Bad request', { status });
  return new AppError('服务器内部错误', { status: 500, cause: error, expose: false });
}

export function errorBody(error: AppError, requestId: string): ErrorBody {
  return {
    id: requestId,
    name: error.name,
    message: error.expose ? error.message : '服务器内部错误',
    ...(error.expose && error.details ? { details: error.details } : {}),
  };
}

/** The one HTTP error handler: stable JSON shape, 500s logged with their cause and never shown to the client. */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const appError = normalise(error);
    const requestId = requestContext.getStore()?.requestId ?? 'unknown';
    if (appError.status >= 500) logger.error({ err: appError.cause ?? appError }, 'request failed');
    if (appError instanceof TooManyRequestsError) res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    res.status(appError.status).json(errorBody(appError, requestId));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  // req.path is relative to the mount point (`/api`); name the path the client asked for
  next(new NotFoundError(`没有这个接口: ${req.method} ${req.baseUrl}${req.path}`));
};
