/** The bounds of every retry the client makes on its own; defaults follow the WeCom docs and WxJava. */
export interface RetryPolicy {
  /** −1 "system busy" and transport failures: how many retries (the docs advise at most 3) */
  busyMaxRetries: number;
  /** first back-off; doubles each retry, with jitter */
  busyBaseDelayMs: number;
  busyMaxDelayMs: number;
  /** 45009: how long the corp pauses (interception lasts the violated window; the minute window is 60 s) */
  frequencyLimitWaitMs: number;
  frequencyLimitMaxRetries: number;
  /** 45033: retries after lowering the concurrency, each after a short jittered pause */
  concurrencyMaxRetries: number;
  concurrencyBaseDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  busyMaxRetries: 3,
  busyBaseDelayMs: 1_000,
  busyMaxDelayMs: 8_000,
  frequencyLimitWaitMs: 60_000,
  frequencyLimitMaxRetries: 1,
  concurrencyMaxRetries: 3,
  concurrencyBaseDelayMs: 500,
});
