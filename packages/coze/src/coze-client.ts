import { z } from 'zod';
import { backoffDelayMs, sleep } from '@doitcrm/retry';
import { chatOnce } from './chat-attempt.ts';
import { listChatMessages, resumeChat, retrieveChat, type Retrying } from './chat-poll.ts';
import { CozeError } from './coze-error.ts';
import type { CozeChatInput, CozeChatResult, CozeClient, CozeClientOptions } from './coze-types.ts';
import type { CozeTransport } from './http-transport.ts';
import { testConnection } from './test-connection.ts';

const DEFAULTS = { idleTimeoutMs: 60_000, maxRetries: 3, retryBaseDelayMs: 1_000, retryMaxDelayMs: 16_000, autoSaveHistory: true };

/**
 * The Coze (扣子) chat client: one-shot questions to a published bot, answered as a stream. Retries what is
 * transient (4013/429, 4016, 5xx, `event:error`, dropped connections, idle timeouts) with jittered exponential
 * back-off — but only until the first answer fragment has reached `onDelta`, so streamed text is never repeated.
 */
export function createCozeClient(options: CozeClientOptions): CozeClient {
  checkOptions(options);
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  const transport: CozeTransport = {
    baseUrl: options.baseUrl, token: options.token, fetch: options.fetch ?? globalThis.fetch, idleTimeoutMs: settings.idleTimeoutMs,
  };

  /** Retries what is transient with jittered exponential back-off; `mayRetry` says whether asking again is still safe. */
  async function withRetries<T>(call: () => Promise<T>, log: object, signal: AbortSignal | undefined, mayRetry: () => boolean = () => true): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof CozeError) || !error.retryable || !mayRetry() || retry >= settings.maxRetries) throw error;
        const delayMs = backoffDelayMs(retry, settings.retryBaseDelayMs, settings.retryMaxDelayMs, options.random);
        options.logger?.warn({ ...log, kind: error.kind, code: error.code, logId: error.logId, retry: retry + 1, delayMs },
          'Coze call failed transiently, backing off');
        await sleep(delayMs, signal);
      }
    }
  }

  async function chat(input: CozeChatInput): Promise<CozeChatResult> {
    checkInput(input);
    let delivered = false;
    const onDelta = input.onDelta && ((text: string) => {
      delivered = true;
      input.onDelta?.(text);
    });
    return withRetries(() => chatOnce(transport, input, settings.autoSaveHistory, onDelta, input.onChatCreated),
      { botId: input.botId }, input.signal, () => !delivered);
  }

  const retrying: Retrying = (call, signal) => withRetries(call, {}, signal);
  return {
    chat,
    testConnection: (botId) => testConnection(transport, botId),
    retrieveChat: (ref, signal) => retrying(() => retrieveChat(transport, ref, signal), signal),
    listChatMessages: (ref, signal) => retrying(() => listChatMessages(transport, ref, signal), signal),
    resumeChat: (ref, resumeOptions) => resumeChat(transport, retrying, ref, resumeOptions),
  };
}

const optionsShape = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }),
  token: z.string().min(1),
  idleTimeoutMs: z.number().int().positive().optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
  retryBaseDelayMs: z.number().int().min(0).optional(),
  retryMaxDelayMs: z.number().int().min(0).optional(),
  autoSaveHistory: z.boolean().optional(),
});

/** Fails fast, naming every bad option at once (and never echoing the token). */
function checkOptions(options: CozeClientOptions): void {
  const result = optionsShape.safeParse(options);
  if (result.success) return;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new TypeError(`invalid Coze client options: ${problems.join('; ')}`);
}

function checkInput(input: CozeChatInput): void {
  const missing = (['botId', 'userId', 'content'] as const).filter((field) => typeof input[field] !== 'string' || input[field].trim() === '');
  if (missing.length === 0) return;
  throw new CozeError({
    kind: 'bad_request', code: null, retryable: false,
    hint: `扣子对话缺少参数 ${missing.join(', ')} (a Coze chat needs a non-empty ${missing.join(', ')})`,
  });
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
