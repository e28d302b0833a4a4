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

export interface CozeInjectionHandle {
  /** how often the rule has fired so far */
  readonly fired: number;
  remove(): void;
}

const STREAM_ONLY = new Set<CozeInjectionKind>(['stream_error', 'stall', 'disconnect']);
export const ENVELOPE_KINDS = new Set<CozeInjectionKind>(['invalid_token', 'no_permission', 'bot_not_found', 'rate_limited', 'busy', 'bad_request', 'server_error']);

interface ActiveRule {
  rule: CozeInjectionRule;
  fired: number;
}

/** The rules in the order they were added; the first that matches a request fires. */
export class CozeInjector {
  private rules: ActiveRule[] = [];

  add(rule: CozeInjectionRule): CozeInjectionHandle {
    if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) throw new RangeError('times must be a positive integer');
    if (rule.afterDeltas !== undefined && !(Number.isInteger(rule.afterDeltas) && rule.afterDeltas >= 0)) throw new RangeError('afterDeltas must be an integer ≥ 0');
    if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 500 && rule.status <= 599)) throw new RangeError('status must be 500–599');
    const active: ActiveRule = { rule: { ...rule }, fired: 0 };
    this.rules.push(active);
    return {
      get fired() {
        return active.fired;
      },
      remove: () => {
        this.rules = this.rules.filter((r) => r !== active);
      },
    };
  }

  clear(): void {
    this.rules = [];
  }

  /** The rule that fires for this request, if any (counted as fired). */
  match(endpoint: CozeEndpoint, botId: string | undefined, stream: boolean): CozeInjectionRule | null {
    for (const active of this.rules) {
      const { rule } = active;
      if ((rule.endpoint ?? 'chat') !== endpoint && rule.endpoint !== '*') continue;
      if (rule.botId !== undefined && rule.botId !== botId) continue;
      if (rule.times !== undefined && active.fired >= rule.times) continue;
      if (STREAM_ONLY.has(rule.kind) && !stream) continue;
      if (rule.kind === 'chat_failed' && endpoint !== 'chat') continue;
      active.fired += 1;
      return rule;
    }
    return null;
  }
}
