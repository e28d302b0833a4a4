/**
 * What kind of trouble a Coze failure is, so a caller can decide without knowing Coze's numbers:
 * - `config`: token, permission or bot id is wrong — an operator must fix the configuration;
 * - `rate_limited` (4013/429) and `busy` (4016): asking again later works;
 * - `failed`: the bot ran and failed (`conversation.chat.failed`, an empty or unusable answer);
 * - `server`: Coze (or the network to it) broke — 5xx, `event:error`, a dropped or truncated stream;
 * - `timeout`: nothing arrived for the idle timeout;
 * - `bad_request`: Coze refused the request itself (a bug in the caller or this client).
 */
export type CozeErrorKind = 'config' | 'rate_limited' | 'busy' | 'failed' | 'server' | 'timeout' | 'bad_request';

export interface CozeErrorFields {
  kind: CozeErrorKind;
  /** Coze's business code (4100, `last_error.code`…), else the HTTP status; null when Coze never answered */
  code: number | null;
  httpStatus?: number | null;
  /** asking again (later) may succeed; the client itself retries these only before any text reached `onDelta` */
  retryable: boolean;
  /** for the operator: Chinese, then English in parentheses */
  hint: string;
  /** Coze's own `msg`, for logs */
  cozeMessage?: string;
  /** header `x-tt-logid`: quote it to Coze support */
  logId?: string | null;
  cause?: unknown;
}

/** A Coze call that did not produce an answer. Never carries the token or the chat content. */
export class CozeError extends Error {
  readonly kind: CozeErrorKind;
  readonly code: number | null;
  readonly httpStatus: number | null;
  readonly retryable: boolean;
  readonly hint: string;
  readonly cozeMessage: string;
  readonly logId: string | null;

  constructor(fields: CozeErrorFields) {
    const detail = [fields.code === null ? null : `code ${fields.code}`, fields.cozeMessage || null, fields.logId ? `logid ${fields.logId}` : null]
      .filter((part) => part !== null).join(', ');
    super(detail ? `${fields.hint} [${detail}]` : fields.hint, { cause: fields.cause });
    this.name = 'CozeError';
    this.kind = fields.kind;
    this.code = fields.code;
    this.httpStatus = fields.httpStatus ?? null;
    this.retryable = fields.retryable;
    this.hint = fields.hint;
    this.cozeMessage = fields.cozeMessage ?? '';
    this.logId = fields.logId ?? null;
  }
}

export function isCozeError(error: unknown): error is CozeError {
  return error instanceof CozeError;
}
