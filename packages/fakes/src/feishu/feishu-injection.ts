import { InjectionRules, type InjectionHandle } from '../injection-rules.ts';
import { FeishuFakeFailure } from './feishu-fake-state.ts';

export type FeishuEndpoint =
  | 'tenant_access_token' | 'tables_list' | 'fields_list' | 'records_search' | 'record_get'
  | 'records_batch_create' | 'records_batch_update' | 'records_batch_delete';

/** The failures the error table of external-apis.md §2.5 names, each with the HTTP status Feishu pairs with it. */
export type FeishuInjectionKind =
  | 'rate_limited' // HTTP 429, code 99991400, headers x-ogw-ratelimit-limit / x-ogw-ratelimit-reset
  | 'too_many_requests' // 1254290, HTTP 200
  | 'write_conflict' // 1254291, HTTP 200
  | 'data_not_ready' // 1254607, HTTP 400
  | 'timeout' // 1255040, HTTP 504
  | 'token_invalid' // 99991663, HTTP 400
  | 'permission_denied' // 1254302, HTTP 403
  | 'server_error'; // HTTP `status` (default 500), code 1255001

export interface FeishuInjectionRule {
  kind: FeishuInjectionKind;
  /** default: any endpoint but the token endpoint (`*` includes it) */
  endpoint?: FeishuEndpoint | '*';
  /** let this many matching requests through first, e.g. `after: 1` fails the second page of a scan */
  after?: number;
  /** fire this many times, then retire; default: for ever */
  times?: number;
  /** rate_limited: seconds in `x-ogw-ratelimit-reset`; default 1 */
  resetSeconds?: number;
  /** server_error: the HTTP status (500–599); default 500 */
  status?: number;
  msg?: string;
}

export type FeishuInjectionHandle = InjectionHandle;

const FAILURE: Readonly<Record<FeishuInjectionKind, { code: number; status: number; msg: string }>> = {
  rate_limited: { code: 99991400, status: 429, msg: 'request trigger frequency limit' },
  too_many_requests: { code: 1254290, status: 200, msg: 'TooManyRequest' },
  write_conflict: { code: 1254291, status: 200, msg: 'Write conflict' },
  data_not_ready: { code: 1254607, status: 400, msg: 'Data not ready, please try again later' },
  timeout: { code: 1255040, status: 504, msg: 'Request timed out, please try again later' },
  token_invalid: { code: 99991663, status: 400, msg: 'Invalid access token for authorization. Please make a request with token attached.' },
  permission_denied: { code: 1254302, status: 403, msg: 'The role has no permissions.' },
  server_error: { code: 1255001, status: 500, msg: 'InternalError' },
};

/** The rules in the order they were added; the first live one that fits a request fires. */
export class FeishuInjector {
  private readonly rules = new InjectionRules<FeishuInjectionRule>();
  private readonly seen = new WeakMap<FeishuInjectionRule, number>();

  add(rule: FeishuInjectionRule): FeishuInjectionHandle {
    if (!(rule.kind in FAILURE)) throw new RangeError(`unknown injection kind ${String(rule.kind)}`);
    if (rule.after !== undefined && !(Number.isInteger(rule.after) && rule.after >= 0)) throw new RangeError('after must be an integer ≥ 0');
    if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 500 && rule.status <= 599)) throw new RangeError('status must be 500–599');
    if (rule.resetSeconds !== undefined && !(Number.isInteger(rule.resetSeconds) && rule.resetSeconds >= 0)) throw new RangeError('resetSeconds must be an integer ≥ 0');
    return this.rules.add(rule);
  }

  clear(): void {
    this.rules.clear();
  }

  /** The failure to answer instead of the real answer, if a rule fires for this request. */
  match(endpoint: FeishuEndpoint): FeishuFakeFailure | null {
    const rule = this.rules.take((candidate) => {
      const target = candidate.endpoint;
      if (target === undefined ? endpoint === 'tenant_access_token' : target !== '*' && target !== endpoint) return false;
      const seen = this.seen.get(candidate) ?? 0;
      if (seen < (candidate.after ?? 0)) {
        this.seen.set(candidate, seen + 1);
        return false;
      }
      return true;
    });
    if (!rule) return null;
    const failure = FAILURE[rule.kind];
    const status = rule.kind === 'server_error' ? rule.status ?? failure.status : failure.status;
    const headers = rule.kind === 'rate_limited'
      ? { 'x-ogw-ratelimit-limit': '20', 'x-ogw-ratelimit-reset': String(rule.resetSeconds ?? 1) }
      : {};
    return new FeishuFakeFailure(failure.code, rule.msg ?? failure.msg, status, { headers, injected: rule.kind });
  }
}
