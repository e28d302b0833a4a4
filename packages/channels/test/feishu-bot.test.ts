import { createFeishuBotFake } from '@doitcrm/fakes';
import { listenChannelFake } from '@doitcrm/fakes/testing';
import { describe, expect, test } from 'vitest';
import { createFeishuBotAdapter } from '../src/adapters/feishu-bot.ts';
import { failure, message, HOLD_MS, SHORT_TIMEOUT_MS, TIMEOUT_MS } from './fixtures.ts';

async function feishu(options: { secret?: string; timeoutMs?: number; now?: () => number } = {}) {
  const { fake, url } = await listenChannelFake(createFeishuBotFake());
  const adapter = createFeishuBotAdapter({
    webhookUrl: `${url}/open-apis/bot/v2/hook/${fake.hookToken}`, secret: options.secret ?? fake.secret, timeoutMs: options.timeoutMs ?? TIMEOUT_MS,
    ...(options.now ? { now: options.now } : {}),
  });
  return { fake, adapter };
}

describe('Feishu custom bot adapter against the fake', () => {
  test('when a notice is posted, then the fake accepts the timestamp and sign and delivers the text', async () => {
    // Arrange
    const { fake, adapter } = await feishu();

    // Act
    await adapter.send(message({ subject: '停课通知', text: '明天停课' }));

    // Assert
    expect(fake.deliveries.last()?.body).toEqual({ msg_type: 'text', content: { text: '停课通知\n明天停课' } });
  });

  test('when the secret is wrong or the clock is two hours off, then 19021 is permanent and nothing is posted', async () => {
    // Arrange
    const { fake, adapter: wrongSecret } = await feishu({ secret: 'wrong' });
    const { adapter: skewed } = await feishu({ now: () => Date.now() - 2 * 3_600_000 });

    // Act
    const badSign = await failure(wrongSecret.send(message()));
    const stale = await failure(skewed.send(message()));

    // Assert
    expect(badSign).toMatchObject({ kind: 'permanent', code: '19021' });
    expect(stale).toMatchObject({ kind: 'permanent', code: '19021' });
    expect(fake.deliveries.report().total).toBe(0);
  });

  test('when a bot posts a 6th message within a second, then 11232 is rate-limited with a wait', async () => {
    // Arrange
    const { fake, adapter } = await feishu();
    await Promise.all(Array.from({ length: 5 }, (_, i) => adapter.send(message({ text: `n${i}` }))));

    // Act
    const error = await failure(adapter.send(message({ text: 'sixth' })));

    // Assert
    expect(error).toMatchObject({ kind: 'rate-limited', code: '11232', retryAfterMs: 10_000 });
    expect(fake.deliveries.report().total).toBe(5);
  });

  test('when Feishu answers 502 or holds its answer, then transient (the held one ambiguous)', async () => {
    // Arrange
    const { fake, adapter } = await feishu({ timeoutMs: SHORT_TIMEOUT_MS });
    fake.inject({ kind: 'transient', status: 502, times: 1 });
    fake.inject({ kind: 'timeout', delayMs: HOLD_MS, times: 1 });

    // Act
    const gateway = await failure(adapter.send(message()));
    const held = await failure(adapter.send(message()));

    // Assert
    expect(gateway).toMatchObject({ kind: 'transient' });
    expect(held).toMatchObject({ kind: 'transient', code: 'timeout', ambiguous: true });
  });
});
