/** The bounds of every retry the client makes on its own. */
export interface FeishuRetryPolicy {
  /** 1254290/1254291/1254607, 1255001–1255005, 1255040, 5xx and network failures: retries per call */
  maxRetries: number;
  /** first back-off; doubles each retry, half fixed and half random (packages/retry) */
  baseDelayMs: number;
  maxDelayMs: number;
  /** HTTP 429: retries per call, each after `x-ogw-ratelimit-reset` seconds */
  rateLimitMaxRetries: number;
  /** the longest single wait a 429 may impose; a longer reset is thrown as `rate_limited` instead */
  rateLimitMaxWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<FeishuRetryPolicy> = Object.freeze({
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  rateLimitMaxRetries: 3,
  rateLimitMaxWaitMs: 65_000,
});
