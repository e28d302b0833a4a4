import { describe, expect, test } from 'vitest';
import { CozeError } from '../src/index.ts';
import { chatCodes, chatError, startHarness, transcript } from './coze-fake-harness.ts';

describe('Coze client: failures inside the stream', () => {
  test('when the bot fails (conversation.chat.failed), then the client throws a failed error with last_error and does not retry', async () => {
    // Arrange
    const harness = await startHarness();
    harness.fake.inject({ kind: 'chat_failed', code: 5000, msg: 'event interval error', afterDeltas: 2 });

    // Act
    const error = await chatError(harness);

    // Assert
    expect(error).toMatchObject({ kind: 'failed', code: 5000, cozeMessage: 'event interval error', retryable: false });
    expect(harness.fake.requests).toHaveLength(1);
  });

  test('when the stream stalls, then the idle timeout aborts with a timeout error, retried only before any text', async () => {
    // Arrange
    const harness = await startHarness();
    harness.fake.inject({ kind: 'stall', afterDeltas: 0, times: 1 });
    harness.fake.inject({ kind: 'stall', afterDeltas: 3 });
    const fragments: string[] = [];
    const started = Date.now();

    // Act
    const error = await harness.client({ idleTimeoutMs: 250 })
      .chat({ botId: harness.parentBotId, userId: 'u', content: transcript(), onDelta: (t) => fragments.push(t) })
      .catch((e: unknown) => e);

    // Assert: the first stall (no text yet) was retried; the second (after 3 fragments) was not
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect((error as Error).message).toContain('250 ms');
    expect(harness.fake.requests).toHaveLength(2);
    expect(fragments).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  test('when the connection drops mid-answer and nobody saw the text yet, then the retry delivers the answer once, not twice', async () => {
    // Arrange
    const harness = await startHarness();
    harness.fake.inject({ kind: 'disconnect', afterDeltas: 5, times: 1 });

    // Act
    const result = await harness.client().chat({ botId: harness.parentBotId, userId: 'u', content: transcript() });

    // Assert
    const answer = harness.fake.chat(result.chatId)?.answer ?? '';
    expect(result.text).toBe(answer);
    expect(result.text.split('模拟家长沟通总结')).toHaveLength(2);
    expect(chatCodes(harness)).toEqual(['disconnect', 0]);
  });

  test('when the connection drops after fragments reached onDelta, then the client does not retry (no duplicate text) and says so', async () => {
    // Arrange
    const harness = await startHarness({ stream: { chunkSize: 2 } });
    harness.fake.inject({ kind: 'disconnect', afterDeltas: 4, times: 1 });
    const fragments: string[] = [];

    // Act
    const error = await harness.client()
      .chat({ botId: harness.parentBotId, userId: 'u', content: transcript(), onDelta: (t) => fragments.push(t) })
      .catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({ kind: 'server', retryable: true });
    expect(fragments).toHaveLength(4);
    expect(fragments.join('')).toBe('【模拟家长沟通总');
    expect(harness.fake.requests).toHaveLength(1);
  });

  test('when the retry follows a failure before any text, then onDelta sees each fragment exactly once', async () => {
    // Arrange
    const harness = await startHarness();
    harness.fake.inject({ kind: 'server_error', times: 1 });
    const fragments: string[] = [];

    // Act
    const result = await harness.client().chat({ botId: harness.parentBotId, userId: 'u', content: transcript(), onDelta: (t) => fragments.push(t) });

    // Assert
    expect(fragments.join('')).toBe(result.text);
  });

  test('when the caller aborts mid-stream, then the chat rejects with the caller\'s reason at once and is not retried', async () => {
    // Arrange
    const harness = await startHarness({ stream: { deltaDelayMs: 20 } });
    const controller = new AbortController();
    const fragments: string[] = [];

    // Act
    const error = await harness.client().chat({
      botId: harness.parentBotId, userId: 'u', content: transcript(), signal: controller.signal,
      onDelta: (t) => {
        fragments.push(t);
        if (fragments.length === 2) controller.abort(new Error('user closed the page'));
      },
    }).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('user closed the page');
    expect(error).not.toBeInstanceOf(CozeError);
    expect(fragments).toHaveLength(2);
    expect(harness.fake.requests).toHaveLength(1);
  });

  test('when the caller aborts during a back-off, then the chat rejects at once without another attempt', async () => {
    // Arrange
    const harness = await startHarness();
    harness.fake.inject({ kind: 'rate_limited' });
    const controller = new AbortController();
    // abort once the first attempt has been answered (the client is then in its 10 s back-off): a fixed 100 ms could
    // pass before the first request even reached the fake on a loaded machine
    const fake = harness.fake;
    const abortInBackoff = setInterval(() => {
      if (fake.requests.length === 0) return;
      clearInterval(abortInBackoff);
      setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    }, 10);

    // Act
    const error = await harness.client({ retryBaseDelayMs: 10_000, retryMaxDelayMs: 10_000 })
      .chat({ botId: harness.parentBotId, userId: 'u', content: transcript(), signal: controller.signal })
      .catch((e: unknown) => e);

    // Assert
    expect((error as Error).message).toBe('job cancelled');
    expect(harness.fake.requests).toHaveLength(1);
  });

  test('when the input lacks a bot id or content, then it fails before any request with a bad_request error naming the fields', async () => {
    // Arrange
    const harness = await startHarness();

    // Act
    const error = await harness.client().chat({ botId: '', userId: 'u', content: '  ' }).catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({ kind: 'bad_request', retryable: false });
    expect((error as Error).message).toContain('botId, content');
    expect(harness.fake.requests).toHaveLength(0);
  });
});
