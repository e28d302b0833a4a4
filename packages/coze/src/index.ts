// The Coze (扣子) client's public surface. Implementation in progress: the interface below is the contract the
// messages service codes against.

export interface CozeClientOptions {
  /** `https://api.coze.cn` for the real service, the fake's URL under npm start and tests */
  baseUrl: string;
  /** personal access token (`pat_…`) */
  token: string;
  /** gives up a chat that has sent nothing for this long */
  idleTimeoutMs?: number;
  /** retries on 4013/429/5xx, with exponential backoff */
  maxRetries?: number;
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

export interface CozeClient {
  /** `/v3/chat` with `stream: true`: resolves with the whole answer once `conversation.chat.completed` arrives */
  chat(input: CozeChatInput): Promise<CozeChatResult>;
}
