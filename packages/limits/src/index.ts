export { createLimiter, type Limiter, type LimiterOptions, type LeaseOutcome, type FailSafeOptions } from './limiter.ts';
export { createDedupe, type Dedupe, type DedupeOptions, type Claim, type ClaimDecision, type SentCheck } from './dedupe.ts';
export {
  createSendLimits,
  checksFor,
  limitsConfigProblems,
  DOCUMENTED_LIMITS,
  type SendLimits,
  type LimitsConfig,
  type ChannelPolicy,
  type ScopePolicy,
  type SendSubject,
} from './send-limits.ts';
export type { Decision, DeferDecision, LimitCheck, RateWindow, Reservation } from './types.ts';
