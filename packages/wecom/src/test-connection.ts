import type { SecretRole } from './api/parse-answer.ts';
import { isWecomError, WecomRateLimitedError, WecomTransportError } from './wecom-error.ts';
import type { ConnectionTestResult } from './wecom-types.ts';

export interface ConnectionProbes {
  corpId: string;
  baseUrl: string;
  secrets: readonly SecretRole[];
  /** gets (or reuses) a token for the secret: proves the corp id and secret */
  token(role: SecretRole): Promise<unknown>;
  /** one cheap call that needs the secret's permission and a trusted IP */
  probe(role: SecretRole): Promise<unknown>;
}

/**
 * Says exactly what is wrong with the configuration, in the order an operator fixes it: corp id and secret
 * (gettoken), then trusted IP and API permission (a cheap permissioned call), for each configured secret.
 */
export async function testConnection(probes: ConnectionProbes): Promise<ConnectionTestResult> {
  for (const secret of probes.secrets) {
    for (const step of ['gettoken', 'probe'] as const) {
      try {
        await (step === 'gettoken' ? probes.token(secret) : probes.probe(secret));
      } catch (error) {
        return { ...describeFailure(error, probes.baseUrl), step, secret };
      }
    }
  }
  return { ok: true, corpId: probes.corpId };
}

function describeFailure(error: unknown, baseUrl: string): Omit<Extract<ConnectionTestResult, { ok: false }>, 'step' | 'secret'> {
  if (isWecomError(error)) return { ok: false, errcode: error.errcode, kind: error.kind, hint: error.hint };
  if (error instanceof WecomRateLimitedError) {
    const seconds = Math.ceil(error.retryAfterMs / 1000);
    return {
      ok: false, errcode: null, kind: 'rate_limit',
      hint: `各服务共用的企业微信调用额度暂时用完，请 ${seconds} 秒后再试 (the WeCom budget shared by all services is used up; try again in ${seconds} s)`,
    };
  }
  if (error instanceof WecomTransportError && error.transient) {
    return {
      ok: false, errcode: null, kind: 'network',
      hint: `无法连接企业微信 API ${baseUrl}：检查网络、代理与 WECOM 基础地址 (cannot reach the WeCom API: ${error.message})`,
    };
  }
  if (error instanceof WecomTransportError) {
    return { ok: false, errcode: null, kind: 'other', hint: `地址上的服务不像企业微信 API (the service at ${baseUrl} does not answer like WeCom: ${error.message})` };
  }
  throw error;
}
