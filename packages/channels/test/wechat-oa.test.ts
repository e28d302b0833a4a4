import { createWechatOaFake } from '@doitcrm/fakes';
import { listenChannelFake } from '@doitcrm/fakes/testing';
import { describe, expect, test } from 'vitest';
import { createWechatOaAdapter } from '../src/adapters/wechat-oa.ts';
import { failure, message, HOLD_MS, SHORT_TIMEOUT_MS, TIMEOUT_MS } from './fixtures.ts';

const OPENID = 'oAbCdEfGhIjKlMnOpQrStUvWx';

async function wechat(timeoutMs = TIMEOUT_MS) {
  const { fake, url } = await listenChannelFake(createWechatOaFake({ followers: [OPENID], templates: ['TPL_LESSON'] }));
  const adapter = createWechatOaAdapter({ baseUrl: url, appId: fake.appId, appSecret: fake.appSecret, timeoutMs });
  return { fake, adapter };
}

const notice = (overrides = {}) => message({ to: OPENID, template: { id: 'TPL_LESSON', params: { first: '上课提醒', keyword1: '10:00' } }, url: 'https://example.com/l/1', ...overrides });

describe('WeChat OA template message adapter against the fake', () => {
  test('when a follower is sent a template message, then the data carries each variable as {value} and our id as client_msg_id', async () => {
    // Arrange
    const { fake, adapter } = await wechat();
    const sms = notice();

    // Act
    const result = await adapter.send(sms);

    // Assert
    expect(result.providerMessageId).toBe(fake.deliveries.last()?.providerId);
    expect(fake.deliveries.last()?.body).toMatchObject({
      touser: OPENID, template_id: 'TPL_LESSON', client_msg_id: sms.id, data: { first: { value: '上课提醒' }, keyword1: { value: '10:00' } },
    });
  });

  test('when a send that timed out is retried, then client_msg_id keeps it to one delivery', async () => {
    // Arrange
    const { fake, adapter } = await wechat(SHORT_TIMEOUT_MS);
    fake.inject({ kind: 'timeout', deliver: true, delayMs: HOLD_MS, times: 1 });
    const sms = notice();
    await failure(adapter.send(sms));

    // Act
    await adapter.send(sms);

    // Assert
    expect(fake.deliveries.count(sms.id)).toBe(1);
    expect(fake.deliveries.report().deduplicated).toBe(1);
  });

  test('when the openid does not follow the account, then 43004 is permanent for that recipient', async () => {
    // Arrange
    const { adapter } = await wechat();

    // Act
    const error = await failure(adapter.send(notice({ to: 'oSomeoneWhoLeftTheAccount' })));

    // Assert
    expect(error).toMatchObject({ kind: 'permanent', code: '43004', recipient: true });
  });

  test('when the daily quota is used up, then 45009 is rate-limited until the next Beijing day; −1 is transient', async () => {
    // Arrange
    const { fake, adapter } = await wechat();
    fake.inject({ kind: 'rate-limit', times: 1 });
    fake.inject({ kind: 'transient', times: 1 });

    // Act
    const quota = await failure(adapter.send(notice()));
    const busy = await failure(adapter.send(notice()));

    // Assert
    expect(quota).toMatchObject({ kind: 'rate-limited', code: '45009' });
    expect(quota.retryAfterMs).toBeGreaterThan(0);
    expect(quota.retryAfterMs).toBeLessThanOrEqual(86_400_000);
    expect(busy).toMatchObject({ kind: 'transient', code: '-1' });
  });

  test('when the token is replaced elsewhere, then the adapter fetches a new one and sends once', async () => {
    // Arrange
    const { fake, adapter } = await wechat();
    await adapter.send(notice());
    fake.revokeTokens();

    // Act
    await adapter.send(notice());

    // Assert
    expect(fake.deliveries.report().total).toBe(2);
  });
});
