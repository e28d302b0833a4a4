import { InjectionRules, type InjectionHandle } from '../injection-rules.ts';

/**
 * Failures the fake can be told to produce. Envelope kinds answer `{code, msg}` instead of the chat (with the
 * HTTP status the official JS SDK maps the code to); stream kinds start a normal stream and break it after
 * `afterDeltas` answer fragments.
 */
export type CozeInjectionKind =
  | 'invalid_token' // 4100, HTTP 401
  | 'no_permission' // 4101, HTTP 403
  | 'bot_not_found' // 4200, HTTP 404 (also "not published")
  | 'rate_limited' // 4013, HTTP 429
  | 'busy' // 4016: a chat is already running in the conversation
  | 'bad_request' // 4000, HTTP 400
  | 'server_error' // HTTP `status` (default 500), code 5000
  | 'chat_failed' // `conversation.chat.failed` with last_error (non-stream chats end failed)
  | 'stream_error' // `event:error` with {code, msg}
  | 'stall' // stops sending, keeps the connection open
  | 'disconnect'; // destroys the connection mid-stream

export type CozeEndpoint = 'chat' | 'retrieve' | 'message_list' | 'cancel' | 'bot_info';

export interface CozeInjectionRule {
  kind: CozeInjectionKind;
  /** fire this many times, then retire; default: for ever */
  times?: number;
  /** default `chat` (`/v3/chat`); `*` for any endpoint */
  endpoint?: CozeEndpoint | '*';
  /** only for requests to this bot */
  botId?: string;
  /** stream kinds: answer fragments sent before the failure; default 0 */
  afterDeltas?: number;
  /** server_error: the HTTP status (500–599); default 500 */
  status?: number;
  /** replaces the kind's code (`last_error.code` for chat_failed, `code` otherwise) */
  code?: number;
  msg?: string;
}

/** how often the rule has fired so far, and how to take it back */
export type CozeInjectionHandle = InjectionHandle;

const STREAM_ONLY = new Set<CozeInjectionKind>(['stream_error', 'stall', 'disconnect']);
export const ENVELOPE_KINDS = new Set<CozeInjectionKind>(['invalid_token', 'no_permission', 'bot_not_found', 'rate_limited', 'busy', 'bad_request', 'server_error']);

/** The rules in the order they were added; the first that matches a request fires. */
export class CozeInjector {
  private readonly rules = new InjectionRules<CozeInjectionRule>();

  add(rule: CozeInjectionRule): CozeInjectionHandle {
    if (rule.afterDeltas !== undefined && !(Number.isInteger(rule.afterDeltas) && rule.afterDeltas >= 0)) throw new RangeError('afterDeltas must be an integer ≥ 0');
    if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 500 && rule.status <= 599)) throw new RangeError('status must be 500–599');
    return this.rules.add(rule);
  }

  clear(): void {
    this.rules.clear();
  }

  /** The rule that fires for this request, if any (counted as fired). */
  match(endpoint: CozeEndpoint, botId: string | undefined, stream: boolean): CozeInjectionRule | null {
    return this.rules.take((rule) => ((rule.endpoint ?? 'chat') === endpoint || rule.endpoint === '*')
      && (rule.botId === undefined || rule.botId === botId)
      && !(STREAM_ONLY.has(rule.kind) && !stream)
      && !(rule.kind === 'chat_failed' && endpoint !== 'chat'));
  }
}
