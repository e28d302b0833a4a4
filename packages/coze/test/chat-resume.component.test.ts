import { describe, expect, test } from 'vitest';
import type { CozeChatRef } from '../src/index.ts';
import { postChat, startHarness, transcript, type Harness } from './coze-fake-harness.ts';

const calls = (h: Harness, endpoint: string) => h.fake.requests.filter((request) => request.endpoint === endpoint);

/** A streamed chat whose reader goes away right after Coze named the chat, as a worker killed mid-answer does. */
async function abandonedChat(h: Harness): Promise<CozeChatRef> {
  const reader = new AbortController();
  let named: CozeChatRef | undefined;
  const outcome = await h.client().chat({
    botId: h.parentBotId, userId: 'summary-9', content: transcript(4), signal: reader.signal,
    onChatCreated: (chat) => {
      named = chat;
      reader.abort(new Error('the worker died'));
    },
  }).catch((error: unknown) => error);
  expect(outcome).toBeInstanceOf(Error);
  if (!named) throw new Error('onChatCreated never named the chat');
  return named;
}

describe('Coze client: a chat opened earlier is read back instead of paid for again', () => {
  test('when a streamed chat opens, then onChatCreated names it once, before the first fragment, with the ids of the result', async () => {
    // Arrange
    const harness = await startHarness({ stream: { chunkSize: 2 } });
    const seen: string[] = [];

    // Act
    const result = await harness.client().chat({
      botId: harness.parentBotId, userId: 'u', content: transcript(),
      onChatCreated: (chat) => seen.push(`created ${chat.conversationId}/${chat.chatId}`),
      onDelta: () => seen.push('delta'),
    });

    // Assert
    expect(seen.filter((entry) => entry.startsWith('created'))).toEqual([`created ${result.conversationId}/${result.chatId}`]);
    expect(seen[0]).toMatch(/^created /);
  });

  test('when a chat is retrieved and its messages listed, then retrieve is a POST and the list a GET, both naming the chat in the query', async () => {
    // Arrange
    const harness = await startHarness();
    const client = harness.client();
    const answered = await client.chat({ botId: harness.parentBotId, userId: 'u', content: transcript() });
    const ref = { conversationId: answered.conversationId, chatId: answered.chatId };

    // Act
    const state = await client.retrieveChat(ref);
    const messages = await client.listChatMessages(ref);

    // Assert
    expect(state).toMatchObject({ ...ref, status: 'completed', lastError: null, usage: answered.usage });
    expect(messages.filter((message) => message.type === 'answer').map((message) => message.content)).toEqual([answered.text]);
    expect(messages.map((message) => message.type)).toContain('follow_up');
    const [retrieve] = calls(harness, 'retrieve');
    const [list] = calls(harness, 'message_list');
    expect(retrieve).toMatchObject({ method: 'POST', query: { conversation_id: ref.conversationId, chat_id: ref.chatId } });
    expect(list).toMatchObject({ method: 'GET', query: { conversation_id: ref.conversationId, chat_id: ref.chatId } });
  });

  test('when the reader of a stream left after the chat opened, then resumeChat returns the whole answer and no second chat is opened', async () => {
    // Arrange
    const harness = await startHarness({ stream: { deltaDelayMs: 20 } });
    const ref = await abandonedChat(harness);

    // Act
    const outcome = await harness.client().resumeChat(ref, { pollIntervalMs: 20 });

    // Assert
    expect(outcome).toEqual({ status: 'completed', result: { text: harness.fake.chat(ref.chatId)!.answer, ...ref, usage: expect.any(Object) } });
    expect(calls(harness, 'chat')).toHaveLength(1);
  });

  test('when the chat is still running, then resumeChat retrieves it again until it completes', async () => {
    // Arrange: a non-stream chat stays in_progress for a while, as a long answer does
    const harness = await startHarness({ nonStreamDurationMs: 300 });
    const opened = await (await postChat(harness, {
      bot_id: harness.parentBotId, user_id: 'u', stream: false, additional_messages: [{ role: 'user', content: transcript(), content_type: 'text' }],
    })).json() as { data: { id: string; conversation_id: string } };

    // Act
    const outcome = await harness.client().resumeChat({ conversationId: opened.data.conversation_id, chatId: opened.data.id }, { pollIntervalMs: 50 });

    // Assert
    expect(outcome.status).toBe('completed');
    expect(calls(harness, 'retrieve').length).toBeGreaterThan(1);
  });

  test('when the chat runs past the wait, then resumeChat gives it up as unavailable', async () => {
    // Arrange
    const harness = await startHarness({ nonStreamDurationMs: 60_000 });
    const opened = await (await postChat(harness, {
      bot_id: harness.parentBotId, user_id: 'u', stream: false, additional_messages: [{ role: 'user', content: transcript(), content_type: 'text' }],
    })).json() as { data: { id: string; conversation_id: string } };

    // Act
    const outcome = await harness.client().resumeChat({ conversationId: opened.data.conversation_id, chatId: opened.data.id }, { pollIntervalMs: 20, waitMs: 100 });

    // Assert
    expect(outcome).toEqual({ status: 'unavailable', reason: expect.stringContaining('still in_progress') });
  });

  test('when Coze does not know the chat, then resumeChat says it is unavailable instead of throwing', async () => {
    // Arrange
    const harness = await startHarness();

    // Act
    const outcome = await harness.client().resumeChat({ conversationId: '7499999999999999998', chatId: '7499999999999999999' });

    // Assert
    expect(outcome).toEqual({ status: 'unavailable', reason: expect.stringContaining('4200') });
    expect(calls(harness, 'message_list')).toHaveLength(0);
  });

  test('when the chat failed on Coze\'s side, then resumeChat says so and lists no messages', async () => {
    // Arrange
    const harness = await startHarness();
    harness.fake.inject({ kind: 'chat_failed', afterDeltas: 1, code: 5000, msg: 'event interval error' });
    let ref: CozeChatRef | undefined;
    await harness.client().chat({ botId: harness.parentBotId, userId: 'u', content: transcript(), onChatCreated: (chat) => { ref = chat; } }).catch(() => {});

    // Act
    const outcome = await harness.client().resumeChat(ref!);

    // Assert
    expect(outcome).toEqual({ status: 'unavailable', reason: expect.stringContaining('ended failed (5000 event interval error)') });
    expect(calls(harness, 'message_list')).toHaveLength(0);
  });

  test('when a retrieve meets a 5xx, then it is asked again and the answer still comes back', async () => {
    // Arrange
    const harness = await startHarness({ stream: { deltaDelayMs: 20 } });
    const ref = await abandonedChat(harness);
    harness.fake.inject({ kind: 'server_error', endpoint: 'retrieve', times: 1 });

    // Act
    const outcome = await harness.client().resumeChat(ref, { pollIntervalMs: 20 });

    // Assert
    expect(outcome.status).toBe('completed');
    expect(calls(harness, 'retrieve').map((request) => request.status)).toEqual([500, 200]);
  });
});
