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
}

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
}
