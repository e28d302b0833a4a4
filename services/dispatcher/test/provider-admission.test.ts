import { describe, expect, it } from 'vitest';
import { createLimiter, createSendLimits, type LimitsConfig } from '@doitcrm/limits';
import { useTestService } from '@doitcrm/kit/testing';
import { dispatcherConfigShape } from '../src/config.ts';
import { createProviderAdmission, providerKey } from '../src/domain/provider-admission.ts';

const t = useTestService('dispatcher', dispatcherConfigShape);
const message = { id: 'm', to: '13800138000', text: 'x' };

describe('SMS provider admission in the shared limiter', () => {
  it('when a provider allows one call at a time, then a second is refused naming the limit until the first is settled, and a refund frees a cap slot', async () => {
    const config: LimitsConfig = { channels: {}, providers: { aliyun: { concurrency: { limit: 1, leaseMs: 30_000 } }, tencent: { dailyCap: 1 } } };
    const limiter = createLimiter({ redis: t.context.redis, resetGuardMs: 0 });
    const admit = createProviderAdmission(limiter, createSendLimits(limiter, config));

    const first = await admit('sms_aliyun', message);
    const second = await admit('sms_aliyun', message);
    expect(first.admitted).toBe(true);
    expect(second).toMatchObject({ admitted: false, refusedBy: ['provider_concurrency'] });
    if (first.admitted) await first.settle('sent');
    expect((await admit('sms_aliyun', message)).admitted).toBe(true);

    const capped = await admit('sms_tencent', message);
    expect((await admit('sms_tencent', message))).toMatchObject({ admitted: false, refusedBy: ['provider_daily_cap'] });
    if (capped.admitted) await capped.settle('not_sent');
    expect((await admit('sms_tencent', message)).admitted).toBe(true);
  });

  it('when the adapter is named sms_<provider>, then the limits are looked up under the provider\'s own name', () => {
    expect([providerKey('sms_aliyun'), providerKey('sms_tencent')]).toEqual(['aliyun', 'tencent']);
  });
});
