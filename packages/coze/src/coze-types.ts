import type { CozeErrorKind } from './coze-error.ts';

export interface CozeLogger {
  warn(obj: object, msg: string): void;
}

export interface CozeClientOptions {
  /** `https://api.coze.cn` for the real service, the fake's URL under npm start and tests */
  baseUrl: string;
  /** personal access token (`pat_…`) */
  token: string;
  /** gives up a chat that has sent nothing for this long; default 60 s */
  idleTimeoutMs?: number;
  /** retries on 4013/429/4016/5xx/network/idle timeout, with exponential backoff; default 3 */
  maxRetries?: number;
  /** first back-off; doubles each retry, with jitter; default 1 s */
  retryBaseDelayMs?: number;
  /** longest back-off; default 16 s */
  retryMaxDelayMs?: number;
  /**
   * Coze keeps the conversation on its side when true (the API's default). Parent chat content is personal data:
   * set false where the school has decided Coze must not keep it.
   */
  autoSaveHistory?: boolean;
  fetch?: typeof fetch;
  /** retries are logged here (code, kind, log id — never the token or the content) */
  logger?: CozeLogger;
  /** tests only: the jitter's random source */
  random?: () => number;
}

export interface CozeChatInput {
  botId: string;
  /** caller-defined user id (Coze scopes conversations by it) */
  userId: string;
  content: string;
  signal?: AbortSignal;
  /** each answer fragment as it streams in */
  onDelta?: (text: string) => void;
  /**
   * Once per chat Coze opens (again after a retry opened a new one), as soon as the stream names it: store it to
   * `resumeChat` it after a crash instead of paying for a new chat. Not awaited; a throw here is the caller's own.
   */
  onChatCreated?: (chat: CozeChatRef) => void;
}

/** Names one chat: what `/v3/chat/retrieve` and `/v3/chat/message/list` ask for. */
export interface CozeChatRef {
  conversationId: string;
  chatId: string;
}

export type CozeChatStatus = 'created' | 'in_progress' | 'completed' | 'failed' | 'requires_action' | 'canceled';

/** A chat as `/v3/chat/retrieve` reports it. */
export interface CozeChatState extends CozeChatRef {
  status: CozeChatStatus | (string & {});
  lastError: { code: number; msg: string } | null;
  usage: CozeChatResult['usage'];
}

/** A message of a chat (`/v3/chat/message/list`): the answer, and verbose / follow-up ones. */
export interface CozeChatMessage {
  id: string;
  role: string;
  type: string;
  content: string;
}

export interface CozeResumeOptions {
  /** between retrieves while the chat still runs; default 1 s (Coze's docs: at most one retrieve a second) */
  pollIntervalMs?: number;
  /** how long a chat still running is waited for before it is given up; default 120 s */
  waitMs?: number;
  signal?: AbortSignal;
}

/** `completed`: the chat's whole answer. `unavailable`: Coze has no answer to give for it (say why); ask anew. */
export type CozeResumeOutcome =
  | { status: 'completed'; result: CozeChatResult }
  | { status: 'unavailable'; reason: string };

export interface CozeChatResult {
  text: string;
  conversationId: string;
  chatId: string;
  usage: { tokenCount: number; inputCount: number; outputCount: number } | null;
}

export type CozeConnectionResult =
  | { ok: true; botId: string; botName: string }
  | { ok: false; botId: string; kind: CozeErrorKind; code: number | null; hint: string; logId: string | null };

export interface CozeClient {
  /** `/v3/chat` with `stream: true`: resolves with the whole answer once `conversation.chat.completed` arrives */
  chat(input: CozeChatInput): Promise<CozeChatResult>;
  /** Reads the published bot (`/v1/bot/get_online_info`) and says exactly what is wrong when that fails. */
  testConnection(botId: string): Promise<CozeConnectionResult>;
  /** `POST /v3/chat/retrieve`: the chat's status now (transient failures retried as `chat` does). */
  retrieveChat(chat: CozeChatRef, signal?: AbortSignal): Promise<CozeChatState>;
  /** `GET /v3/chat/message/list`: the chat's messages, in Coze's order (the question not among them). */
  listChatMessages(chat: CozeChatRef, signal?: AbortSignal): Promise<CozeChatMessage[]>;
  /**
   * The answer of a chat opened earlier (by a process that died before storing it), without opening a new one:
   * waits while it runs, then reads its answer messages. `unavailable` when Coze does not know the chat (4200),
   * it failed, was cancelled, kept running past `waitMs`, or has no answer message (its history not kept).
   */
  resumeChat(chat: CozeChatRef, options?: CozeResumeOptions): Promise<CozeResumeOutcome>;
}
