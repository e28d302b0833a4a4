import { describe, expect, test } from 'vitest';
import { createCozeClient } from '../src/index.ts';
import { startHarness } from './coze-fake-harness.ts';

describe('Coze client: testConnection', () => {
  test('when token and bot are right, then it reports ok with the bot\'s name, without starting a chat', async () => {
    // Arrange
    const harness = await startHarness();

    // Act
    const result = await harness.client().testConnection(harness.teacherBotId);

    // Assert
    expect(result).toEqual({ ok: true, botId: harness.teacherBotId, botName: '老师沟通总结（模拟）' });
    expect(harness.fake.requests.map((r) => r.endpoint)).toEqual(['bot_info']);
    expect(harness.fake.state.chats.size).toBe(0);
  });

  test('when the token is invalid, then it says the token is invalid and how to renew it', async () => {
    // Arrange
    const harness = await startHarness();

    // Act
    const result = await harness.client({ token: 'pat_expired' }).testConnection(harness.parentBotId);

    // Assert
    expect(result).toMatchObject({ ok: false, kind: 'config', code: 4100 });
    expect(result.ok === false && result.hint).toContain('COZE_API_TOKEN');
  });

  test('when the bot is not published, then it says to check the bot id and publish it to the API channel', async () => {
    // Arrange
    const harness = await startHarness();
    harness.fake.setBotPublished(harness.parentBotId, false);

    // Act
    const result = await harness.client().testConnection(harness.parentBotId);

    // Assert
    expect(result).toMatchObject({ ok: false, kind: 'config', code: 4200 });
    expect(result.ok === false && result.hint).toMatch(/未发布.*API/);
  });

  test('when the token has no permission for the bot, then it names the missing permission', async () => {
    // Arrange
    const harness = await startHarness();
    harness.fake.inject({ kind: 'no_permission', endpoint: 'bot_info' });

    // Act
    const result = await harness.client().testConnection(harness.parentBotId);

    // Assert
    expect(result).toMatchObject({ ok: false, kind: 'config', code: 4101 });
    expect(result.ok === false && result.hint).toContain('权限');
  });

  test('when no bot id is configured, then it says so without calling Coze', async () => {
    // Arrange
    const harness = await startHarness();

    // Act
    const result = await harness.client().testConnection('');

    // Assert
    expect(result).toMatchObject({ ok: false, kind: 'config', code: null });
    expect(result.ok === false && result.hint).toContain('COZE_PARENT_BOT_ID');
    expect(harness.fake.requests).toHaveLength(0);
  });

  test('when Coze cannot be reached, then it names the base URL setting', async () => {
    // Arrange
    const harness = await startHarness();
    const url = harness.url;
    await harness.close();

    // Act
    const result = await createCozeClient({ baseUrl: url, token: 'pat_x' }).testConnection('7300000000000000001');

    // Assert
    expect(result).toMatchObject({ ok: false, kind: 'server', code: null });
    expect(result.ok === false && result.hint).toContain('COZE_BASE_URL');
  });

  test('when the client options are invalid, then creating it fails naming every bad option', () => {
    // Act
    const error = (() => {
      try {
        createCozeClient({ baseUrl: 'not a url', token: '', maxRetries: -1 });
        return null;
      } catch (e) {
        return e as Error;
      }
    })();

    // Assert
    expect(error?.message).toContain('baseUrl');
    expect(error?.message).toContain('token');
    expect(error?.message).toContain('maxRetries');
  });
});
