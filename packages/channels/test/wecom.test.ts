import { createWecomSendFake, type WecomSendFakeOptions } from '@doitcrm/fakes';
import { listenChannelFake } from '@doitcrm/fakes/testing';
import { describe, expect, test } from 'vitest';
import { createWecomAppAdapter } from '../src/adapters/wecom-app.ts';
import { createWecomRobotAdapter } from '../src/adapters/wecom-robot.ts';
import { failure, message, HOLD_MS, SHORT_TIMEOUT_MS, TIMEOUT_MS } from './fixtures.ts';

async function wecom(fakeOptions: WecomSendFakeOptions = {}, timeoutMs = TIMEOUT_MS) {
  const { fake, url } = await listenChannelFake(createWecomSendFake({ members: ['zhangsan', 'lisi'], ...fakeOptions }));
  const app = createWecomAppAdapter({ baseUrl: url, corpId: fake.corpId, secret: fake.secret, agentId: fake.agentId, duplicateCheckSeconds: 1800, timeoutMs });
  const robot = createWecomRobotAdapter({ webhookUrl: `${url}/cgi-bin/webhook/send?key=${fake.robotKey}`, timeoutMs });
  return { fake, url, app, robot };
}

describe('WeCom app message adapter against the fake', () => {
  test('when a member is sent a message, then it is delivered once with duplicate check on and the msgid comes back', async () => {
    // Arrange
    const { fake, app } = await wecom();

    // Act
    const result = await app.send(message({ to: 'zhangsan' }));

    // Assert
    expect(result.providerMessageId).toBe(fake.deliveries.last()?.providerId);
    expect(fake.deliveries.last()?.body).toMatchObject({ touser: 'zhangsan', enable_duplicate_check: 1, duplicate_check_interval: 1800, agentid: fake.agentId });
  });

  test('when the same message is sent again after a timeout, then WeCom\'s duplicate check delivers it once', async () => {
    // Arrange
    const { fake, url } = await wecom();
    const impatient = createWecomAppAdapter({ baseUrl: url, corpId: fake.corpId, secret: fake.secret, agentId: fake.agentId, duplicateCheckSeconds: 1800, timeoutMs: SHORT_TIMEOUT_MS });
    fake.inject({ kind: 'timeout', deliver: true, delayMs: HOLD_MS, times: 1 });
    const notice = message({ to: 'lisi' });
    const timedOut = await failure(impatient.send(notice));

    // Act
    await impatient.send(notice);

    // Assert
    expect(timedOut).toMatchObject({ kind: 'transient', code: 'timeout', ambiguous: true });
    expect(fake.deliveries.report()).toMatchObject({ total: 1, deduplicated: 1, duplicates: {} });
  });

  test('when WeCom answers 45009, then rate-limited for a minute; 45033, then for a second; −1, then transient', async () => {
    // Arrange
    const { fake, app } = await wecom();
    fake.inject({ kind: 'rate-limit', times: 1 });
    fake.inject({ kind: 'rate-limit', code: 45033, times: 1 });
    fake.inject({ kind: 'transient', times: 1 });

    // Act
    const frequency = await failure(app.send(message({ to: 'zhangsan' })));
    const concurrency = await failure(app.send(message({ to: 'zhangsan' })));
    const busy = await failure(app.send(message({ to: 'zhangsan' })));

    // Assert
    expect(frequency).toMatchObject({ kind: 'rate-limited', code: '45009', retryAfterMs: 60_000 });
    expect(concurrency).toMatchObject({ kind: 'rate-limited', code: '45033', retryAfterMs: 1_000 });
    expect(busy).toMatchObject({ kind: 'transient', code: '-1' });
  });

  test('when the member does not exist, then 81013 is permanent for that recipient', async () => {
    // Arrange
    const { app } = await wecom();

    // Act
    const error = await failure(app.send(message({ to: 'nobody' })));

    // Assert
    expect(error).toMatchObject({ kind: 'permanent', code: '81013', recipient: true });
  });

  test('when WeCom invalidates the token early, then the adapter fetches a new one and the send goes through once', async () => {
    // Arrange
    const { fake, app } = await wecom();
    await app.send(message({ to: 'zhangsan', text: 'first' }));
    fake.revokeTokens();

    // Act
    await app.send(message({ to: 'zhangsan', text: 'second' }));

    // Assert
    expect(fake.deliveries.report().total).toBe(2);
  });

  test('when the app secret is wrong, then the send fails permanently at gettoken', async () => {
    // Arrange
    const { fake, url } = await wecom();
    const wrong = createWecomAppAdapter({ baseUrl: url, corpId: fake.corpId, secret: 'wrong', agentId: fake.agentId, duplicateCheckSeconds: 0, timeoutMs: TIMEOUT_MS });

    // Act
    const error = await failure(wrong.send(message({ to: 'zhangsan' })));

    // Assert
    expect(error).toMatchObject({ kind: 'permanent', code: '40001' });
  });
});

describe('WeCom group robot adapter against the fake', () => {
  test('when a notice is posted, then the robot delivers it as markdown', async () => {
    // Arrange
    const { fake, robot } = await wecom();

    // Act
    await robot.send(message({ subject: '停课通知', text: '明天停课' }));

    // Assert
    expect(fake.deliveries.last()?.body).toEqual({ msgtype: 'markdown', markdown: { content: '**停课通知**\n明天停课' } });
  });

  test('when a robot posts a 21st message within a minute, then the 45009 answer is rate-limited for a minute', async () => {
    // Arrange
    const { fake, robot } = await wecom();
    for (let i = 0; i < 20; i += 1) await robot.send(message({ text: `notice ${i}` }));

    // Act
    const error = await failure(robot.send(message({ text: 'one too many' })));

    // Assert
    expect(error).toMatchObject({ kind: 'rate-limited', code: '45009', retryAfterMs: 60_000 });
    expect(fake.deliveries.report().total).toBe(20);
  });

  test('when the robot was removed from its group, then 93000 is permanent', async () => {
    // Arrange
    const { url } = await wecom();
    const gone = createWecomRobotAdapter({ webhookUrl: `${url}/cgi-bin/webhook/send?key=removed`, timeoutMs: TIMEOUT_MS });

    // Act
    const error = await failure(gone.send(message()));

    // Assert
    expect(error).toMatchObject({ kind: 'permanent', code: '93000' });
  });

  test('when the robot endpoint holds its answer, then the adapter times out as transient and ambiguous', async () => {
    // Arrange
    const { fake, robot } = await wecom({}, SHORT_TIMEOUT_MS);
    fake.inject({ kind: 'timeout', delayMs: HOLD_MS });

    // Act
    const error = await failure(robot.send(message()));

    // Assert
    expect(error).toMatchObject({ kind: 'transient', code: 'timeout', ambiguous: true });
  });
});
