import { isWecomError, WecomRateLimitedError, WecomTransportError } from './wecom-error.ts';

/**
 * What a failed WeCom lookup means for a batch job (the mapper's nickname fetch, contacts sync):
 * - `configuration`: every other id would fail the same way (wrong secret, IP not trusted, API not permitted):
 *   stop the job and tell the operator what to fix;
 * - `id`: about this id only, WeCom will keep saying so: mark it unresolvable;
 * - `transient`: busy, rate-limited, network: try this id again later;
 * - `unexpected`: not a WeCom answer at all (a bug, the database): let the job fail or be redelivered.
 */
export type WecomFailure =
  | { kind: 'configuration'; message: string }
  | { kind: 'id'; reason: string }
  | { kind: 'transient'; message: string }
  | { kind: 'unexpected' };

// 60011 names one member (or a customer's follower) outside the app's visibility: the other ids still resolve
const ID_SPECIFIC_PERMISSION_ERRCODES: ReadonlySet<number> = new Set([60011]);

export function classifyWecomFailure(error: unknown): WecomFailure {
  if (error instanceof WecomRateLimitedError) return { kind: 'transient', message: error.message };
  if (error instanceof WecomTransportError) {
    return error.transient
      ? { kind: 'transient', message: error.message }
      : { kind: 'configuration', message: `企业微信地址上的服务不像企业微信 API：检查 WECOM_BASE_URL (${error.message})` };
  }
  if (!isWecomError(error)) return { kind: 'unexpected' };
  switch (error.kind) {
    case 'not_found':
      return { kind: 'id', reason: `${error.errcode} ${error.hint}` };
    case 'permission':
      return ID_SPECIFIC_PERMISSION_ERRCODES.has(error.errcode)
        ? { kind: 'id', reason: `${error.errcode} ${error.hint}` }
        : { kind: 'configuration', message: configurationMessage(error.errcode, error.hint) };
    case 'auth':
    case 'ip':
      return { kind: 'configuration', message: configurationMessage(error.errcode, error.hint) };
    case 'busy':
    case 'rate_limit':
      return { kind: 'transient', message: `${error.errcode} ${error.hint}` };
    case 'other':
      // a permanent "other" is a request WeCom calls malformed: asking for the next id would be just as wrong
      return error.permanent
        ? { kind: 'configuration', message: configurationMessage(error.errcode, error.hint) }
        : { kind: 'transient', message: `${error.errcode} ${error.hint}` };
  }
}

function configurationMessage(errcode: number, hint: string): string {
  return `企业微信配置问题（错误码 ${errcode}）：${hint}`;
}

/** The reason stored for an id WeCom will not name: errcode first, when WeCom gave one. */
export function unresolvableReason(reason: string, errcode: number | undefined): string {
  return errcode === undefined || reason.startsWith(`${errcode} `) ? reason : `${errcode} ${reason}`;
}
