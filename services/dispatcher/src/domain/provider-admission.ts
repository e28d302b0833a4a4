import type { AdmitProvider } from '@doitcrm/channels';
import type { Limiter, SendLimits } from '@doitcrm/limits';

/** `sms_aliyun` → `aliyun`: the limits configuration names SMS providers as packages/limits DOCUMENTED_LIMITS does. */
export const providerKey = (adapter: string) => adapter.replace(/^sms_/u, '');

/**
 * The SMS router's question before each provider, answered by the limits every worker and instance share in Redis
 * (`providers.<name>` of the `limits` setting: QPS windows, concurrency, daily cap; packages/limits acquireProvider).
 * The channel's and the recipient's checks were passed before the router was called, so only the provider's are asked
 * here. A slot is given back when the provider certainly never got the message; a concurrency lease is released after
 * the call (rate and cap slots stay counted).
 */
export function createProviderAdmission(limiter: Limiter, sendLimits: SendLimits): AdmitProvider {
  return async (provider) => {
    const decision = await sendLimits.acquireProvider(providerKey(provider));
    if (decision.outcome === 'defer') {
      return { admitted: false, retryAfterMs: decision.retryAfterMs, refusedBy: decision.reason === 'limit' ? decision.refusedBy : ['limits_unavailable'] };
    }
    const { reservation } = decision;
    return {
      admitted: true,
      async settle(outcome) {
        if (reservation.checks.length === 0) return;
        if (outcome === 'not_sent') await limiter.refund(reservation);
        else if (reservation.checks.some((check) => check.kind === 'concurrency')) await limiter.release(reservation);
      },
    };
  };
}
