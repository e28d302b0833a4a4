import { describe, expect, test } from 'vitest';
import { ChatStreamAssembler } from '../src/chat-stream-assembler.ts';
import { CozeError } from '../src/index.ts';

const chat = (status: string, extra: object = {}) => JSON.stringify({ id: '7400000000000000002', conversation_id: '7400000000000000001', status, ...extra });
const answer = (id: string, content: string) => JSON.stringify({ id, type: 'answer', role: 'assistant', content, chat_id: '7400000000000000002' });
const USAGE = { usage: { token_count: 3, output_count: 2, input_count: 1 } };

function run(events: Array<[string, string]>, onDelta?: (text: string) => void) {
  const assembler = new ChatStreamAssembler(onDelta, 'log-1');
  for (const [event, data] of events) if (assembler.handle({ event, data })) break;
  return assembler.result();
}

function thrown(action: () => unknown): CozeError {
  try {
    action();
  } catch (error) {
    if (error instanceof CozeError) return error;
    throw error;
  }
  throw new Error('expected a CozeError');
}

describe('chat stream assembly', () => {
  test('when an answer arrives only as a completed message (no deltas), then it counts once, as one fragment', () => {
    // Arrange
    const fragments: string[] = [];

    // Act
    const result = run([
      ['conversation.chat.created', chat('created')],
      ['conversation.message.delta', answer('m1', '你好')],
      ['conversation.message.completed', answer('m1', '你好')],
      ['conversation.message.completed', answer('m2', '再见')],
      ['conversation.chat.completed', chat('completed', USAGE)],
      ['done', '"[DONE]"'],
    ], (t) => fragments.push(t));

    // Assert
    expect(result.text).toBe('你好再见');
    expect(fragments).toEqual(['你好', '再见']);
    expect(result.usage).toEqual({ tokenCount: 3, inputCount: 1, outputCount: 2 });
  });

  test('when event:error carries no code ({} as in coze-py\'s fixture), then it is a retryable server error', () => {
    // Act
    const error = thrown(() => run([['conversation.chat.created', chat('created')], ['error', '{}']]));

    // Assert
    expect(error).toMatchObject({ kind: 'server', code: null, retryable: true, logId: 'log-1' });
  });

  test('when event:error carries 4013, then it is rate_limited', () => {
    // Act
    const error = thrown(() => run([['error', JSON.stringify({ code: 4013, msg: 'too many' })]]));

    // Assert
    expect(error).toMatchObject({ kind: 'rate_limited', code: 4013, cozeMessage: 'too many' });
  });

  test('when the stream ends before conversation.chat.completed, then it is a retryable server error, not a short answer', () => {
    // Act
    const error = thrown(() => run([['conversation.message.delta', answer('m1', '半句')], ['done', '"[DONE]"']]));

    // Assert
    expect(error).toMatchObject({ kind: 'server', retryable: true });
  });

  test('when the bot asks for a client-side tool (requires_action), then it is a config error', () => {
    // Act
    const error = thrown(() => run([['conversation.chat.requires_action', chat('requires_action')]]));

    // Assert
    expect(error).toMatchObject({ kind: 'config', retryable: false });
  });

  test('when the bot completes with an empty answer, then it is a failed error instead of an empty summary', () => {
    // Act
    const error = thrown(() => run([['conversation.chat.completed', chat('completed', USAGE)], ['done', '"[DONE]"']]));

    // Assert
    expect(error).toMatchObject({ kind: 'failed', retryable: false });
  });

  test('when an event\'s data is not JSON, then it is a non-retryable server error naming the event', () => {
    // Act
    const error = thrown(() => run([['conversation.message.delta', '{"broken']]));

    // Assert
    expect(error).toMatchObject({ kind: 'server', retryable: false });
    expect(error.message).toContain('conversation.message.delta');
  });
});
