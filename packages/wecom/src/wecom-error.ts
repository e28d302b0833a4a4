/** What kind of trouble an errcode is, so a caller can decide without knowing WeCom's numbers. */
export type WecomErrorKind = 'auth' | 'permission' | 'ip' | 'not_found' | 'rate_limit' | 'busy' | 'other';

/**
 * A non-zero `errcode` that the client did not (or could no longer) absorb by itself.
 * `permanent` means "asking again will give the same answer": fix the configuration or give up on the id.
 * `hint` is for an operator (Chinese, then English in parentheses); `errmsg` is WeCom's own text, kept only for logs.
 */
export class WecomError extends Error {
  readonly errcode: number;
  readonly errmsg: string;
  readonly permanent: boolean;
  readonly kind: WecomErrorKind;
  readonly hint: string;
  /** the API path below `/cgi-bin/`, e.g. `externalcontact/get` */
  readonly endpoint: string;

  constructor(fields: { errcode: number; errmsg: string; permanent: boolean; kind: WecomErrorKind; hint: string; endpoint: string }) {
    super(`WeCom ${fields.endpoint} errcode ${fields.errcode}: ${fields.hint}`);
    this.name = 'WecomError';
    this.errcode = fields.errcode;
    this.errmsg = fields.errmsg;
    this.permanent = fields.permanent;
    this.kind = fields.kind;
    this.hint = fields.hint;
    this.endpoint = fields.endpoint;
  }
}

export type WecomTransportFailure = 'network' | 'timeout' | 'http_status' | 'bad_body';

/**
 * The request never produced a WeCom answer: connection refused, timeout, a non-200 from a proxy, or a body that
 * is not the documented JSON. The first three are transient; `bad_body` means the contract changed under us.
 */
export class WecomTransportError extends Error {
  readonly reason: WecomTransportFailure;
  readonly endpoint: string;
  readonly status: number | undefined;

  constructor(reason: WecomTransportFailure, endpoint: string, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(`WeCom ${endpoint}: ${message}`, { cause: options.cause });
    this.name = 'WecomTransportError';
    this.reason = reason;
    this.endpoint = endpoint;
    this.status = options.status;
  }

  get transient(): boolean {
    return this.reason !== 'bad_body';
  }
}

export function isWecomError(error: unknown): error is WecomError {
  return error instanceof WecomError;
}

/**
 * The shared rate budget for this API is used up for longer than the caller agreed to wait, so the client did not
 * spend a WeCom call on it. Always transient: ask again after `retryAfterMs`.
 */
export class WecomRateLimitedError extends Error {
  readonly endpoint: string;
  /** which window ran out, e.g. `corp_api_hour`, or `paused` after a 45009 */
  readonly limit: string;
  readonly retryAfterMs: number;
  readonly transient = true;

  constructor(endpoint: string, limit: string, retryAfterMs: number) {
    super(`WeCom ${endpoint}: the shared rate budget (${limit}) is used up; retry after ${Math.ceil(retryAfterMs / 1000)} s`);
    this.name = 'WecomRateLimitedError';
    this.endpoint = endpoint;
    this.limit = limit;
    this.retryAfterMs = retryAfterMs;
  }
}
