import { ChatStreamAssembler } from './chat-stream-assembler.ts';
import type { CozeChatInput, CozeChatRef, CozeChatResult } from './coze-types.ts';
import { failureFromAnswer, openCozeRequest, transportFailure, type CozeTransport } from './http-transport.ts';
import { SseParser } from './sse-parser.ts';

/**
 * One `/v3/chat` exchange with `stream: true`, no retries: sends the question, reads the event stream under the
 * idle watch, hands answer fragments to `onDelta` as they come, resolves with the assembled answer.
 */
export async function chatOnce(
  transport: CozeTransport,
  input: CozeChatInput,
  autoSaveHistory: boolean,
  onDelta: ((text: string) => void) | undefined,
  onChatCreated?: (chat: CozeChatRef) => void,
): Promise<CozeChatResult> {
  const opened = await openCozeRequest(transport, {
    method: 'POST',
    path: '/v3/chat',
    body: {
      bot_id: input.botId,
      user_id: input.userId,
      stream: true,
      auto_save_history: autoSaveHistory,
      additional_messages: [{ role: 'user', content: input.content, content_type: 'text' }],
    },
  }, input.signal);
  const { response, logId, watch } = opened;
  const isStream = (response.headers.get('content-type') ?? '').includes('text/event-stream');
  // errors come as a JSON envelope (HTTP 200 or the mapped status), never as a stream
  if (response.status !== 200 || !isStream || !response.body) throw await failureFromAnswer(opened, transport.baseUrl);

  const assembler = new ChatStreamAssembler(onDelta, logId, onChatCreated);
  const parser = new SseParser();
  const reader = response.body.getReader();
  let streamEnded = false;
  try {
    for (;;) {
      const chunk = await reader.read().catch((error: unknown) => {
        throw transportFailure(error, watch, logId, transport.baseUrl);
      });
      watch.touch();
      if (chunk.done) {
        streamEnded = true;
        for (const event of parser.end()) if (assembler.handle(event)) break;
        return assembler.result();
      }
      // a throwing onDelta is the caller's error and passes through as it is
      for (const event of parser.push(chunk.value)) {
        if (assembler.handle(event)) return assembler.result();
      }
    }
  } finally {
    watch.stop();
    // after `done` (or a failure) the rest is of no use: release the connection
    if (!streamEnded) await reader.cancel().catch(() => undefined);
  }
}
