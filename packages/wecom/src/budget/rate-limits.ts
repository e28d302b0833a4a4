/**
 * WeCom's documented call limits ("主动调用频率限制", https://developer.work.weixin.qq.com/document/path/90312):
 * - per corp, per API: 10,000 calls a minute and 150,000 an hour (每企业调用单个 cgi/api);
 * - per server IP, per API: 20,000 calls a minute and 600,000 an hour (每 IP 调用单个 cgi/api);
 * - going over answers 45009 and the caller is intercepted for the rest of the violated window (a minute or an hour).
 * The other limits on that page (messages per member per day, account creation) concern APIs this client does not call.
 */
export const DOCUMENTED_WECOM_LIMITS = Object.freeze({
  corpApiPerMinute: 10_000,
  corpApiPerHour: 150_000,
  ipApiPerMinute: 20_000,
  ipApiPerHour: 600_000,
});

export type WecomRateLimits = { -readonly [K in keyof typeof DOCUMENTED_WECOM_LIMITS]: number };

/**
 * What the client spends by default: a tenth of each documented limit. WeCom's windows need not line up with ours
 * and an interception blocks the corp for the whole window, so the client stays well below instead of near the edge.
 */
export const DEFAULT_WECOM_RATE_LIMITS: Readonly<WecomRateLimits> = Object.freeze({
  corpApiPerMinute: 1_000,
  corpApiPerHour: 15_000,
  ipApiPerMinute: 2_000,
  ipApiPerHour: 60_000,
});

/** One counted window: at most `points` calls per `durationSeconds`, counted per corp or per server IP, and per API. */
export interface RateRule {
  name: string;
  scope: 'corp' | 'ip';
  points: number;
  durationSeconds: number;
}

/**
 * The rules in the order they are checked: the minute windows first, because they run out first and a rule that
 * refuses stops the check (the rules before it have counted a call that does not happen — harmless, they only err
 * on the safe side).
 */
export function rateRules(limits: WecomRateLimits): RateRule[] {
  return [
    { name: 'corp_api_minute', scope: 'corp', points: limits.corpApiPerMinute, durationSeconds: 60 },
    { name: 'ip_api_minute', scope: 'ip', points: limits.ipApiPerMinute, durationSeconds: 60 },
    { name: 'corp_api_hour', scope: 'corp', points: limits.corpApiPerHour, durationSeconds: 3_600 },
    { name: 'ip_api_hour', scope: 'ip', points: limits.ipApiPerHour, durationSeconds: 3_600 },
  ];
}
