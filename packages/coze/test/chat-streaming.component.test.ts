import { describe, expect, test } from 'vitest';
import { startHarness, transcript, type Harness } from './coze-fake-harness.ts';

/** The fake's answer for a question, read from what it stored. */
function storedAnswer(h: Harness, chatId: string): string {
  const chat = h.fake.chat(chatId);
  if (!chat) throw new Error(`the fake has no chat ${chatId}`);
  return chat.answer;
}

describe('Coze client: streamed answers', () => {
  test('when the bot streams its answer, then the fragments reach onDelta in order and join into the whole answer', async () => {
    // Arrange
    const harness = await startHarness({ stream: { chunkSize: 3 } });
    const fragments: string[] = [];

    // Act
    const result = await harness.client().chat({ botId: harness.parentBotId, userId: 'summary-1', content: transcript(5), onDelta: (t) => fragments.push(t) });

    // Assert
    const answer = storedAnswer(harness, result.chatId);
    expect(result.text).toBe(answer);
    expect(fragments.join('')).toBe(answer);
    expect(fragments.length).toBe(Math.ceil(Array.from(answer).length / 3));
    expect(result.text).toContain('共 6 行对话记录');
    expect(result.usage).toEqual({ tokenCount: expect.any(Number), inputCount: expect.any(Number), outputCount: Array.from(answer).length });
  });

  test('when the client asks, then it sends exactly the documented /v3/chat request with the bearer token', async () => {
    // Arrange
    const harness = await startHarness();
    const content = transcript(2);

    // Act
    await harness.client().chat({ botId: harness.teacherBotId, userId: 'teacher-summary-7', content });

    // Assert
    const [request] = harness.fake.requests;
    expect(harness.fake.requests).toHaveLength(1);
    expect(request).toMatchObject({ endpoint: 'chat', method: 'POST', authorized: true, query: {}, status: 200 });
    expect(request?.body).toEqual({
      bot_id: harness.teacherBotId, user_id: 'teacher-summary-7', stream: true, auto_save_history: true,
      additional_messages: [{ role: 'user', content, content_type: 'text' }],
    });
  });

  test('when autoSaveHistory is off, then the request asks Coze not to keep the conversation', async () => {
    // Arrange
    const harness = await startHarness();

    // Act
    await harness.client({ autoSaveHistory: false }).chat({ botId: harness.parentBotId, userId: 'u', content: transcript() });

    // Assert
    expect(harness.fake.requests[0]?.body).toMatchObject({ auto_save_history: false, stream: true });
  });

  test('when bytes arrive in 1-byte pieces with CRLF line ends and two-line data, then the answer is intact (UTF-8 split inside characters)', async () => {
    // Arrange
    const harness = await startHarness({ stream: { byteChunk: 1, lineEnding: '\r\n', multiLineData: true, chunkSize: 7 } });
    const fragments: string[] = [];

    // Act
    const result = await harness.client().chat({ botId: harness.parentBotId, userId: 'u', content: transcript(), onDelta: (t) => fragments.push(t) });

    // Assert
    expect(result.text).toBe(storedAnswer(harness, result.chatId));
    expect(result.text).toContain('📚');
    expect(result.text).not.toContain('\uFFFD');
    expect(fragments.join('')).toBe(result.text);
  });

  test.each([['\r'], ['\n']] as const)('when line ends are %j and bytes come in 5-byte pieces, then the answer is intact', async (lineEnding) => {
    // Arrange
    const harness = await startHarness({ stream: { byteChunk: 5, lineEnding } });

    // Act
    const result = await harness.client().chat({ botId: harness.parentBotId, userId: 'u', content: transcript() });

    // Assert
    expect(result.text).toBe(storedAnswer(harness, result.chatId));
  });

  test('when the stream carries verbose and follow_up messages, then none of their text reaches the answer or onDelta', async () => {
    // Arrange
    const harness = await startHarness({ stream: { verbose: true, followUp: true } });
    const fragments: string[] = [];

    // Act
    const result = await harness.client().chat({ botId: harness.parentBotId, userId: 'u', content: transcript(), onDelta: (t) => fragments.push(t) });

    // Assert
    const extras = harness.fake.chat(result.chatId)?.messages.filter((m) => m.type !== 'answer') ?? [];
    expect(extras.map((m) => m.type).sort()).toEqual(['follow_up', 'follow_up', 'verbose', 'verbose']);
    for (const extra of extras) {
      expect(result.text).not.toContain(extra.content);
      expect(fragments.join('')).not.toContain(extra.content);
    }
    expect(result.text).toBe(storedAnswer(harness, result.chatId));
  });

  test('when the result arrives, then conversation and chat ids are the long numeric strings Coze sent, not rounded numbers', async () => {
    // Arrange
    const harness = await startHarness();

    // Act
    const result = await harness.client().chat({ botId: harness.parentBotId, userId: 'u', content: transcript() });

    // Assert
    expect(result.chatId).toMatch(/^\d{19}$/);
    expect(result.conversationId).toMatch(/^\d{19}$/);
    expect(harness.fake.chat(result.chatId)?.conversationId).toBe(result.conversationId);
    expect(harness.fake.chat(result.chatId)?.status).toBe('completed');
  });

  test('when the answer streams slowly but steadily, then the idle timeout (silence, not total time) does not cut it', async () => {
    // Arrange: ~25 fragments 30 ms apart ≈ 750 ms in all, idle timeout 300 ms
    const harness = await startHarness({ stream: { deltaDelayMs: 30, chunkSize: 4 } });

    // Act
    const result = await harness.client({ idleTimeoutMs: 300 }).chat({ botId: harness.parentBotId, userId: 'u', content: transcript() });

    // Assert
    expect(result.text).toBe(storedAnswer(harness, result.chatId));
    expect(harness.fake.requests).toHaveLength(1);
  });
});
