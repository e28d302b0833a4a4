import { describe, expect, test } from 'vitest';
import { SseParser, type SseEvent } from '../src/index.ts';

const encoder = new TextEncoder();

function parseInPieces(bytes: Uint8Array, cuts: readonly number[]): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...parser.push(bytes.subarray(start, cut)));
    start = cut;
  }
  events.push(...parser.end());
  return events;
}

const STREAM = [
  ': a comment line',
  'event:conversation.message.delta',
  'data:{"type":"answer","content":"家长📚"}',
  '',
  'event: conversation.chat.completed',
  'data:{',
  'data:"usage":{"token_count":3}}',
  '',
  'event:done',
  'data:"[DONE]"',
  '',
  '',
];
const EXPECTED: SseEvent[] = [
  { event: 'conversation.message.delta', data: '{"type":"answer","content":"家长📚"}' },
  { event: 'conversation.chat.completed', data: '{\n"usage":{"token_count":3}}' },
  { event: 'done', data: '"[DONE]"' },
];

describe('SSE parser', () => {
  test.each([['LF', '\n'], ['CRLF', '\r\n'], ['CR', '\r']])(
    'when the stream uses %s line ends and is cut at every single byte position, then every cut yields the same events',
    (_name, eol) => {
      // Arrange
      const bytes = encoder.encode(STREAM.join(eol));

      // Act
      const results = Array.from({ length: bytes.length + 1 }, (_, cut) => parseInPieces(bytes, [cut]));

      // Assert
      for (const events of results) expect(events).toEqual(EXPECTED);
    },
  );

  test('when every byte arrives alone (UTF-8 characters split across chunks, CRLF split between chunks), then the events are intact', () => {
    // Arrange
    const bytes = encoder.encode(STREAM.join('\r\n'));

    // Act
    const events = parseInPieces(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1));

    // Assert
    expect(events).toEqual(EXPECTED);
  });

  test('when the last event lacks its closing blank line, then end() still delivers it', () => {
    // Arrange
    const parser = new SseParser();

    // Act
    const early = parser.push(encoder.encode('event:done\ndata:"[DONE]"'));
    const late = parser.end();

    // Assert
    expect(early).toEqual([]);
    expect(late).toEqual([{ event: 'done', data: '"[DONE]"' }]);
  });

  test('when a block has an event name but no data, then nothing is dispatched and the name does not leak into the next event', () => {
    // Act
    const events = parseInPieces(encoder.encode('event:ping\n\ndata:x\n\n'), []);

    // Assert
    expect(events).toEqual([{ event: 'message', data: 'x' }]);
  });
});
