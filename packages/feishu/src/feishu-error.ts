/**
 * What kind of trouble a Feishu failure is, so a caller can decide without knowing Feishu's numbers:
 * - `config`: app id/secret, app token or table id wrong — an operator fixes the configuration;
 * - `permission`: the app may not touch this base (add it to the base or a role, §2.5 1254301–1254303);
 * - `field`: a field name the table does not have (schema drift, `fieldName` says which) or a value it cannot convert;
 * - `not_found`: the record is gone (1254043) — treat as deleted;
 * - `rate_limited`, `busy` (write conflict, data not ready), `server`, `timeout`: retried by the client, then thrown;
 * - `limit`: a documented size limit (records per base, cell size, response too large);
 * - `bad_request`: Feishu refused the request itself (a bug in the caller or this client).
 */
export type FeishuErrorKind =
  | 'config' | 'permission' | 'field' | 'not_found' | 'rate_limited' | 'busy' | 'server' | 'timeout' | 'limit' | 'bad_request';

export interface FeishuErrorFields {
  kind: FeishuErrorKind;
  /** Feishu's `code`; null when Feishu never answered */
  code: number | null;
  httpStatus?: number | null;
  /** which API: `records_search`, `records_batch_create` … (the call counter's names) */
  endpoint: string;
  /** asking again later may succeed (the client has already retried what it retries) */
  retryable: boolean;
  /** for the operator: Chinese, then English in parentheses */
  hint: string;
  feishuMessage?: string;
  /** header `X-Tt-Logid`: quote it to Feishu support */
  logId?: string | null;
  /** `field`: the field name(s) the table does not have */
  fieldName?: string | null;
  /** a scan that failed: the page (from 1) that failed and how many records the pages before it held */
  page?: number | null;
  recordsRead?: number | null;
  cause?: unknown;
}

/** A Feishu call that did not succeed. Never carries the app secret or the tenant token. */
export class FeishuError extends Error {
  readonly kind: FeishuErrorKind;
  readonly code: number | null;
  readonly httpStatus: number | null;
  readonly endpoint: string;
  readonly retryable: boolean;
  readonly hint: string;
  readonly feishuMessage: string;
  readonly logId: string | null;
  readonly fieldName: string | null;
  readonly page: number | null;
  readonly recordsRead: number | null;

  constructor(fields: FeishuErrorFields) {
    const detail = [
      fields.fieldName ? `字段 field「${fields.fieldName}」` : null,
      fields.page ? `第 ${fields.page} 页 page ${fields.page}, ${fields.recordsRead ?? 0} records read before it` : null,
      fields.code === null ? null : `code ${fields.code}`,
      fields.httpStatus ? `HTTP ${fields.httpStatus}` : null,
      fields.endpoint,
      fields.feishuMessage || null,
      fields.logId ? `logid ${fields.logId}` : null,
    ].filter((part) => part !== null).join(', ');
    super(`${fields.hint} [${detail}]`, { cause: fields.cause });
    this.name = 'FeishuError';
    this.kind = fields.kind;
    this.code = fields.code;
    this.httpStatus = fields.httpStatus ?? null;
    this.endpoint = fields.endpoint;
    this.retryable = fields.retryable;
    this.hint = fields.hint;
    this.feishuMessage = fields.feishuMessage ?? '';
    this.logId = fields.logId ?? null;
    this.fieldName = fields.fieldName ?? null;
    this.page = fields.page ?? null;
    this.recordsRead = fields.recordsRead ?? null;
  }

  fields(): FeishuErrorFields {
    return {
      kind: this.kind, code: this.code, httpStatus: this.httpStatus, endpoint: this.endpoint, retryable: this.retryable, hint: this.hint,
      feishuMessage: this.feishuMessage, logId: this.logId, fieldName: this.fieldName, page: this.page, recordsRead: this.recordsRead, cause: this.cause,
    };
  }

  /** The same failure, said of a field or of a scan's page. */
  with(extra: Pick<FeishuErrorFields, 'fieldName' | 'page' | 'recordsRead'>): FeishuError {
    return new FeishuError({ ...this.fields(), ...extra });
  }
}

export function isFeishuError(error: unknown): error is FeishuError {
  return error instanceof FeishuError;
}
