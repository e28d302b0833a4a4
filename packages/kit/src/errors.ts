/** One detail of a failure, pointing at what the caller should fix. */
export interface ErrorDetail {
  field?: string;
  file?: string;
  line?: number;
  message: string;
}

/**
 * The one error family of the suite. HTTP handlers, queue consumers and process hooks all turn these into the same
 * stable shape: `{ id, name, message, details? }` (id = request id), status from the class.
 */
export class AppError extends Error {
  readonly status: number;
  readonly details: ErrorDetail[] | undefined;
  readonly expose: boolean;

  constructor(message: string, options: { status?: number; details?: ErrorDetail[]; cause?: unknown; expose?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status ?? 500;
    this.details = options.details;
    this.expose = options.expose ?? this.status < 500;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: ErrorDetail[]) {
    super(message, { status: 400, details });
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = '请先登录') {
    super(message, { status: 401 });
  }
}
export class ForbiddenError extends AppError {
  constructor(message = '没有权限执行此操作', details?: ErrorDetail[]) {
    super(message, { status: 403, details });
  }
}
export class NotFoundError extends AppError {
  constructor(message: string) {
    super(message, { status: 404 });
  }
}
export class ConflictError extends AppError {
  constructor(message: string, details?: ErrorDetail[]) {
    super(message, { status: 409, details });
  }
}
export class PayloadTooLargeError extends AppError {
  constructor(message: string, details?: ErrorDetail[]) {
    super(message, { status: 413, details });
  }
}
export class TooManyRequestsError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message, { status: 429 });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
export class UnavailableError extends AppError {
  constructor(message: string, cause?: unknown) {
    super(message, { status: 503, cause, expose: true });
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
