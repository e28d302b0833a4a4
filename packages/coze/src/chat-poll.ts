import { sleep } from '@doitcrm/retry';
import { CozeError } from './coze-error.ts';
import type { CozeChatMessage, CozeChatRef, CozeChatState, CozeResumeOptions, CozeResumeOutcome } from './coze-types.ts';
import { openCozeRequest, readEnvelope, type CozeTransport } from './http-transport.ts';
import { chatShape, messageListShape } from './wire-schemas.ts';

/** Runs a call again on what is transient, with the client's back-off (the same rule its `chat` follows). */
export type Retrying = <T>(call: () => Promise<T>, signal: AbortSignal | undefined) => Promise<T>;

const RUNNING = new Set(['created', 'in_progress']);
/** Coze's "not found": the chat (or its conversation) is unknown, expired or was never kept */
const NOT_FOUND = 4200;

/** `POST /v3/chat/retrieve?conversation_id=…&chat_id=…`: the official SDKs' method (coze-py and coze-js, https://github.com/coze-dev). */
export async function retrieveChat(transport: CozeTransport, chat: CozeChatRef, signal?: AbortSignal): Promise<CozeChatState> {
  const opened = await openCozeRequest(transport, { method: 'POST', path: '/v3/chat/retrieve', query: ids(chat) }, signal);
  const wire = chatShape.safeParse(await readEnvelope(opened, transport.baseUrl));
  if (!wire.success) throw unreadable('/v3/chat/retrieve', opened.logId, wire.error);
  const { data } = wire;
  return {
    conversationId: data.conversation_id, chatId: data.id, status: data.status ?? '',
    lastError: data.last_error && data.last_error.code !== 0 ? { code: data.last_error.code, msg: data.last_error.msg ?? '' } : null,
    usage: data.usage ? { tokenCount: data.usage.token_count, inputCount: data.usage.input_count, outputCount: data.usage.output_count } : null,
  };
}

/** `GET /v3/chat/message/list?conversation_id=…&chat_id=…` (coze-py's method). */
export async function listChatMessages(transport: CozeTransport, chat: CozeChatRef, signal?: AbortSignal): Promise<CozeChatMessage[]> {
  const opened = await openCozeRequest(transport, { method: 'GET', path: '/v3/chat/message/list', query: ids(chat) }, signal);
  const wire = messageListShape.safeParse(await readEnvelope(opened, transport.baseUrl));
  if (!wire.success) throw unreadable('/v3/chat/message/list', opened.logId, wire.error);
  return wire.data.map((message) => ({ id: message.id ?? '', role: message.role ?? '', type: message.type ?? '', content: message.content }));
}

/**
 * Waits for a chat opened earlier and reads its answer, as coze-py's create_and_poll does after its create: retrieve
 * until the chat leaves in_progress, then list its messages and keep the `answer` ones.
 */
export async function resumeChat(transport: CozeTransport, retrying: Retrying, chat: CozeChatRef, options: CozeResumeOptions = {}): Promise<CozeResumeOutcome> {
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const deadline = Date.now() + (options.waitMs ?? 120_000);
  let state: CozeChatState;
  for (;;) {
    try {
      state = await retrying(() => retrieveChat(transport, chat, options.signal), options.signal);
    } catch (error) {
      if (error instanceof CozeError && error.code === NOT_FOUND) return { status: 'unavailable', reason: `Coze does not know chat ${chat.chatId} (4200)` };
      throw error;
    }
    if (!RUNNING.has(state.status)) break;
    if (Date.now() + pollIntervalMs > deadline) return { status: 'unavailable', reason: `chat ${chat.chatId} still ${state.status} after ${options.waitMs ?? 120_000} ms` };
    await sleep(pollIntervalMs, options.signal);
  }
  if (state.status !== 'completed') {
    const detail = state.lastError ? ` (${state.lastError.code} ${state.lastError.msg})` : '';
    return { status: 'unavailable', reason: `chat ${chat.chatId} ended ${state.status}${detail}` };
  }
  const messages = await retrying(() => listChatMessages(transport, chat, options.signal), options.signal);
  const text = messages.filter((message) => message.type === 'answer' && (message.role === '' || message.role === 'assistant')).map((m) => m.content).join('');
  // a chat whose history Coze did not keep (auto_save_history false) may list no answer: it cannot be resumed
  if (text.trim() === '') return { status: 'unavailable', reason: `chat ${chat.chatId} completed but lists no answer message` };
  return { status: 'completed', result: { text, conversationId: chat.conversationId, chatId: chat.chatId, usage: state.usage } };
}

function ids(chat: CozeChatRef): Record<string, string> {
  return { conversation_id: chat.conversationId, chat_id: chat.chatId };
}

function unreadable(path: string, logId: string | null, cause: unknown): CozeError {
  return new CozeError({
    kind: 'server', code: null, retryable: false, logId, cause,
    hint: `扣子 ${path} 的回答无法解析 (Coze answered ${path} in a shape this client cannot read: the contract may have changed)`,
  });
}
