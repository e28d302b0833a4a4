import { describe, expect, test } from 'vitest';
import { chatCodes, chatError, startHarness, transcript } from './coze-fake-harness.ts';

describe('Coze client: configuration errors stop at once', () => {
  test('when the token is wrong (4100, HTTP 401), then it fails at once with a config error saying to renew COZE_API_TOKEN', async () => {
    // Arrange
    const harness = await startHarness();

    // Act
    const error = await chatError(harness, { token: 'pat_not-the-right-one' });

    // Assert
    expect(error).toMatchObject({ kind: 'config', code: 4100, httpStatus: 401, retryable: false });
    expect(error.message).toContain('COZE_API_TOKEN');
    expect(error.message).toMatch(/令牌/);
    expect(error.logId).toMatch(/^\d{14}[0-9A-F]+$/);
    expect(error.message).not.toContain('pat_not-the-right-one');
    expect(harness.fake.requests).toHaveLength(1);
  });

  test('when the token lacks permission (4101, HTTP 403), then it fails at once with a config error about permissions', async () => {
    // Arrange
    const harness = await startHarness();
    harness.fake.inject({ kind: 'no_permission' });

    // Act
    const error = await chatError(harness);

    // Assert
    expect(error).toMatchObject({ kind: 'config', code: 4101, httpStatus: 403, retryable: false });
    expect(error.hint).toContain('权限');
    expect(harness.fake.requests).toHaveLength(1);
  });

  test('when the bot is not published (4200, HTTP 404), then it fails at once naming the bot-id settings', async () => {
    // Arrange
    const harness = await startHarness();
    harness.fake.setBotPublished(harness.parentBotId, false);

    // Act
    const error = await chatError(harness);

    // Assert
    expect(error).toMatchObject({ kind: 'config', code: 4200, httpStatus: 404, retryable: false });
    expect(error.hint).toContain('COZE_PARENT_BOT_ID');
    expect(error.hint).toContain('API');
    expect(harness.fake.requests).toHaveLength(1);
  });

  test('when Coze sends error codes with HTTP 200 (as the real service often does), then the code still decides', async () => {
    // Arrange
    const harness = await startHarness({ errorStatus: 'always200' });
    harness.fake.inject({ kind: 'rate_limited', times: 1 });

    // Act
    const result = await harness.client().chat({ botId: harness.parentBotId, userId: 'u', content: transcript() });
    const error = await chatError(harness, { token: 'pat_wrong' });

    // Assert
    expect(result.text).not.toBe('');
    expect(error).toMatchObject({ kind: 'config', code: 4100, httpStatus: 200 });
  });
});

describe('Coze client: transient errors are retried with back-off', () => {
  test('when Coze rate-limits twice (4013, HTTP 429), then the client backs off and the third attempt answers', async () => {
    // Arrange
    const harness = await startHarness();
    harness.fake.inject({ kind: 'rate_limited', times: 2 });
    const warnings: Array<{ obj: Record<string, unknown>; msg: string }> = [];

    // Act
    const result = await harness.client({ logger: { warn: (obj, msg) => warnings.push({ obj: obj as Record<string, unknown>, msg }) } })
      .chat({ botId: harness.parentBotId, userId: 'u', content: transcript() });

    // Assert
    expect(result.text).toContain('模拟家长沟通总结');
    expect(chatCodes(harness)).toEqual(['rate_limited', 'rate_limited', 0]);
    expect(warnings.map((w) => w.obj)).toEqual([
      expect.objectContaining({ kind: 'rate_limited', code: 4013, retry: 1 }),
      expect.objectContaining({ kind: 'rate_limited', code: 4013, retry: 2 }),
    ]);
    expect(JSON.stringify(warnings)).not.toContain(harness.token);
  });

  test.each([[500], [502], [503]])('when Coze answers HTTP %i once, then the retry answers', async (status) => {
    // Arrange
    const harness = await startHarness();
    harness.fake.inject({ kind: 'server_error', status, times: 1 });

    // Act
    const result = await harness.client().chat({ botId: harness.parentBotId, userId: 'u', content: transcript() });

    // Assert
    expect(result.text).toBe(harness.fake.chat(result.chatId)?.answer);
    expect(harness.fake.requests.map((r) => r.status)).toEqual([status, 200]);
  });

  test('when a chat is already running in the conversation (4016), then the client waits and retries', async () => {
    // Arrange
    const harness = await startHarness();
    harness.fake.inject({ kind: 'busy', times: 1 });

    // Act
    const result = await harness.client().chat({ botId: harness.parentBotId, userId: 'u', content: transcript() });

    // Assert
    expect(result.text).not.toBe('');
    expect(harness.fake.requests.map((r) => r.code)).toEqual([4016, 0]);
  });

  test('when the stream breaks with event:error before any text, then the client retries and answers', async () => {
    // Arrange
    const harness = await startHarness();
    harness.fake.inject({ kind: 'stream_error', times: 1 });

    // Act
    const result = await harness.client().chat({ botId: harness.parentBotId, userId: 'u', content: transcript(), onDelta: () => {} });

    // Assert
    expect(result.text).toBe(harness.fake.chat(result.chatId)?.answer);
    expect(chatCodes(harness)).toEqual(['stream_error', 0]);
  });

  test('when Coze keeps failing, then the client gives up after maxRetries with a retryable server error', async () => {
    // Arrange
    const harness = await startHarness();
    harness.fake.inject({ kind: 'server_error', status: 503 });

    // Act
    const error = await chatError(harness, { maxRetries: 2 });

    // Assert
    expect(error).toMatchObject({ kind: 'server', httpStatus: 503, retryable: true });
    expect(harness.fake.requests).toHaveLength(3);
  });

  test('when Coze stays rate-limited, then the final error is rate_limited after 1 + maxRetries attempts', async () => {
    // Arrange
    const harness = await startHarness();
    harness.fake.inject({ kind: 'rate_limited' });

    // Act
    const error = await chatError(harness, { maxRetries: 3 });

    // Assert
    expect(error).toMatchObject({ kind: 'rate_limited', code: 4013, retryable: true });
    expect(harness.fake.requests).toHaveLength(4);
  });

  test('when nothing listens at the base URL, then the client retries and ends with a server error naming COZE_BASE_URL', async () => {
    // Arrange
    const harness = await startHarness();
    const url = harness.url;
    await harness.close();

    // Act
    const error = await (await startHarness()).client({ baseUrl: url, maxRetries: 1 }).chat({ botId: '1', userId: 'u', content: 'x' })
      .catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({ kind: 'server', code: null, retryable: true });
    expect((error as Error).message).toContain('COZE_BASE_URL');
  });
});
