import { cozeFakeOptionsFromEnv } from '@doitcrm/fakes';
import { describe, expect, test } from 'vitest';
import { postChat, startHarness, transcript, type Harness } from './coze-fake-harness.ts';

interface Envelope<T = unknown> {
  code: number;
  msg: string;
  data: T;
}
interface WireChat {
  id: string;
  conversation_id: string;
  status: string;
  usage: { token_count: number; output_count: number; input_count: number };
  last_error: { code: number; msg: string };
}
interface WireMessage {
  type: string;
  content: string;
  chat_id: string;
}

const question = (content: string) => ({ role: 'user', content, content_type: 'text' });

function call(h: Harness, method: 'GET' | 'POST', path: string, query: Record<string, string>, body?: unknown): Promise<Response> {
  return fetch(`${h.url}${path}?${new URLSearchParams(query)}`, {
    method,
    headers: { authorization: `Bearer ${h.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function startNonStreamChat(h: Harness, query = ''): Promise<WireChat> {
  const response = await postChat(h, { bot_id: h.parentBotId, user_id: 'fake-test', stream: false, additional_messages: [question(transcript(4))] }, query);
  const envelope = (await response.json()) as Envelope<WireChat>;
  expect(envelope.code).toBe(0);
  return envelope.data;
}

describe('Coze fake: non-stream chats, polling and cancelling', () => {
  test('when a chat is created without stream, then it is in_progress at once and retrieve (GET) shows it completed once its time is up', async () => {
    // Arrange: the fake's clock, moved by the test
    let now = Date.now();
    const harness = await startHarness({ nonStreamDurationMs: 1_000, now: () => now });

    // Act
    const created = await startNonStreamChat(harness);
    const ids = { conversation_id: created.conversation_id, chat_id: created.id };
    const early = (await (await call(harness, 'GET', '/v3/chat/retrieve', ids)).json()) as Envelope<WireChat>;
    const earlyMessages = (await (await call(harness, 'GET', '/v3/chat/message/list', ids)).json()) as Envelope<WireMessage[]>;
    now += 1_000;
    const late = (await (await call(harness, 'GET', '/v3/chat/retrieve', ids)).json()) as Envelope<WireChat>;

    // Assert
    expect(created.status).toBe('in_progress');
    expect(created.id).toMatch(/^\d{19}$/);
    expect(early.data.status).toBe('in_progress');
    expect(earlyMessages.data).toEqual([]);
    expect(late.data).toMatchObject({ id: created.id, status: 'completed', last_error: { code: 0, msg: '' } });
    expect(late.data.usage.output_count).toBeGreaterThan(0);
  });

  test.each([['GET'], ['POST']] as const)('when the chat has completed, then retrieve and message/list answer on %s with the answer and extras, not the question', async (method) => {
    // Arrange
    const harness = await startHarness({ nonStreamDurationMs: 0 });
    const created = await startNonStreamChat(harness);
    const ids = { conversation_id: created.conversation_id, chat_id: created.id };

    // Act: POST sends the ids in the query (coze-py) — and the body, as the older community SDK did
    const retrieved = (await (await call(harness, method, '/v3/chat/retrieve', ids, method === 'POST' ? {} : undefined)).json()) as Envelope<WireChat>;
    const listed = (await (await call(harness, method, '/v3/chat/message/list', method === 'POST' ? {} : ids, method === 'POST' ? ids : undefined)).json()) as Envelope<WireMessage[]>;

    // Assert
    expect(retrieved.data.status).toBe('completed');
    expect(listed.code).toBe(0);
    expect(listed.data.map((m) => m.type)).toEqual(['verbose', 'answer', 'verbose', 'follow_up', 'follow_up']);
    expect(listed.data.find((m) => m.type === 'answer')?.content).toContain('共 5 行对话记录');
    expect(listed.data.every((m) => m.chat_id === created.id)).toBe(true);
  });

  test('when a chat is still running in a conversation, then another chat there answers 4016; after cancel it is accepted', async () => {
    // Arrange
    const harness = await startHarness({ nonStreamDurationMs: 60_000 });
    const first = await startNonStreamChat(harness);
    const inSameConversation = `?conversation_id=${first.conversation_id}`;
    const body = { bot_id: harness.parentBotId, user_id: 'fake-test', stream: true, additional_messages: [question('再问一次')] };

    // Act
    const busy = await postChat(harness, body, inSameConversation);
    const busyEnvelope = (await busy.json()) as Envelope;
    const cancelled = (await (await call(harness, 'POST', '/v3/chat/cancel', {}, { conversation_id: first.conversation_id, chat_id: first.id })).json()) as Envelope<WireChat>;
    const cancelAgain = (await (await call(harness, 'POST', '/v3/chat/cancel', {}, { conversation_id: first.conversation_id, chat_id: first.id })).json()) as Envelope;
    const accepted = await postChat(harness, body, inSameConversation);

    // Assert
    expect(busyEnvelope.code).toBe(4016);
    expect(cancelled.data.status).toBe('canceled');
    expect(cancelAgain.code).toBe(4104);
    expect(accepted.headers.get('content-type')).toContain('text/event-stream');
    expect(await accepted.text()).toContain('event:done\ndata:"[DONE]"');
  });

  test('when a streaming chat is cancelled midway, then its stream ends without chat.completed or done', async () => {
    // Arrange
    const harness = await startHarness({ stream: { deltaDelayMs: 30, chunkSize: 2 } });
    const streaming = await postChat(harness, { bot_id: harness.parentBotId, user_id: 'u', stream: true, additional_messages: [question('取消我')] });
    const reader = streaming.body!.getReader();
    await reader.read();
    const [chat] = [...harness.fake.state.chats.values()];

    // Act
    const cancelled = (await (await call(harness, 'POST', '/v3/chat/cancel', {}, { conversation_id: chat!.conversationId, chat_id: chat!.id })).json()) as Envelope<WireChat>;
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);

    // Assert
    expect(cancelled.data.status).toBe('canceled');
    expect(rest).not.toContain('conversation.chat.completed');
    expect(rest).not.toContain('event:done');
    expect(harness.fake.chat(chat!.id)?.status).toBe('canceled');
  });

  test('when a non-stream chat is injected to fail, then retrieve shows it failed with last_error', async () => {
    // Arrange
    const harness = await startHarness({ nonStreamDurationMs: 0 });
    harness.fake.inject({ kind: 'chat_failed', code: 5000, msg: 'event interval error', times: 1 });

    // Act
    const created = await startNonStreamChat(harness);
    const retrieved = (await (await call(harness, 'POST', '/v3/chat/retrieve', { conversation_id: created.conversation_id, chat_id: created.id })).json()) as Envelope<WireChat>;

    // Assert
    expect(retrieved.data).toMatchObject({ status: 'failed', last_error: { code: 5000, msg: 'event interval error' } });
  });
});

describe('Coze fake: contract checks', () => {
  test('when the bearer token is missing or wrong, then every endpoint answers 4100 with HTTP 401 and a log id', async () => {
    // Arrange
    const harness = await startHarness();

    // Act
    const answers = await Promise.all([
      fetch(`${harness.url}/v3/chat`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }),
      fetch(`${harness.url}/v3/chat/retrieve?conversation_id=1&chat_id=2`, { headers: { authorization: 'Bearer pat_wrong' } }),
      fetch(`${harness.url}/v1/bot/get_online_info?bot_id=${harness.parentBotId}`, { headers: { authorization: harness.token } }),
    ]);

    // Assert
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get('x-tt-logid')).toBeTruthy();
      expect(((await answer.json()) as Envelope).code).toBe(4100);
    }
    expect(harness.fake.requests.map((r) => r.authorized)).toEqual([false, false, false]);
  });

  test.each([
    [{ user_id: 'u', stream: true }, 'bot_id'],
    [{ bot_id: '7300000000000000001', stream: true }, 'user_id'],
    [{ bot_id: '7300000000000000001', user_id: 'u', additional_messages: [{ role: 'system', content: 'x', content_type: 'text' }] }, 'additional_messages[0].role'],
    [{ bot_id: '7300000000000000001', user_id: 'u', stream: false, auto_save_history: false }, 'auto_save_history'],
  ])('when the chat body is %j, then the fake answers 4000 naming %s', async (body, field) => {
    // Arrange
    const harness = await startHarness();

    // Act
    const answer = await postChat(harness, body);
    const envelope = (await answer.json()) as Envelope;

    // Assert
    expect(answer.status).toBe(400);
    expect(envelope.code).toBe(4000);
    expect(envelope.msg).toContain(field);
  });

  test('when an injection is limited to some times, then it fires that often and the requests record it', async () => {
    // Arrange
    const harness = await startHarness();
    const rule = harness.fake.inject({ kind: 'rate_limited', times: 2 });
    const body = { bot_id: harness.parentBotId, user_id: 'u', stream: true, additional_messages: [question('你好')] };

    // Act
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const answer = await postChat(harness, body);
      statuses.push(answer.status);
      await answer.body?.cancel();
    }

    // Assert
    expect(statuses).toEqual([429, 429, 200]);
    expect(rule.fired).toBe(2);
    expect(harness.fake.requests.map((r) => [r.injected, r.code])).toEqual([['rate_limited', 4013], ['rate_limited', 4013], [null, 0]]);
  });

  test('when the stream runs normally, then it follows the documented event order and ends with data:"[DONE]"', async () => {
    // Arrange
    const harness = await startHarness({ stream: { chunkSize: 1_000 } });

    // Act
    const answer = await postChat(harness, { bot_id: harness.parentBotId, user_id: 'u', stream: true, additional_messages: [question('一行')] });
    const events = [...(await answer.text()).matchAll(/^event:(.+)$/gm)].map((m) => m[1]);

    // Assert
    expect(events).toEqual([
      'conversation.chat.created', 'conversation.chat.in_progress', 'conversation.message.completed',
      'conversation.message.delta',
      'conversation.message.completed', 'conversation.message.completed', 'conversation.message.completed', 'conversation.message.completed',
      'conversation.chat.completed', 'done',
    ]);
  });

  test('when the CLI environment holds bad numbers, then the options reader names each variable', () => {
    // Act
    const error = (() => {
      try {
        cozeFakeOptionsFromEnv({ COZE_FAKE_PORT: '99999', COZE_FAKE_DELTA_DELAY_MS: 'slow' });
        return null;
      } catch (e) {
        return e as Error;
      }
    })();
    const fine = cozeFakeOptionsFromEnv({ COZE_FAKE_PORT: '0', COZE_FAKE_TOKEN: 'pat_demo' });

    // Assert
    expect(error?.message).toContain('COZE_FAKE_PORT');
    expect(error?.message).toContain('COZE_FAKE_DELTA_DELAY_MS');
    expect(fine).toMatchObject({ port: 0, token: 'pat_demo', stream: { deltaDelayMs: 40 } });
  });
});
