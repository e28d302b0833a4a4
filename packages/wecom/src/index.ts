export { createWecomClient, type WecomClient, type WecomClientOptions } from './wecom-client.ts';
export {
  createWecomClientFromSettings, WECOM_NOT_CONFIGURED, wecomSettingsShape, type WecomSettings,
} from './wecom-settings.ts';
export { classifyWecomFailure, unresolvableReason, type WecomFailure } from './wecom-failure.ts';
export {
  WecomError, WecomRateLimitedError, WecomTransportError, isWecomError, type WecomErrorKind, type WecomTransportFailure,
} from './wecom-error.ts';
export { errcodePolicy, KNOWN_ERRCODES, type ErrcodePolicy, type ErrcodeReaction, type ErrcodeSource } from './errcode-policy.ts';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';
export { backoffDelayMs } from '@doitcrm/retry';
export { TokenBucket, type TimeSource } from './budget/token-bucket.ts';
export { ConcurrencyGate, type Permit } from './budget/concurrency-gate.ts';
export { createLocalRateBudget, type RateBudget } from './budget/rate-budget.ts';
export { createRedisRateBudget, type RedisRateBudgetOptions } from './budget/redis-rate-budget.ts';
export { DEFAULT_WECOM_RATE_LIMITS, DOCUMENTED_WECOM_LIMITS, rateRules, type RateRule, type WecomRateLimits } from './budget/rate-limits.ts';
export { allPages } from './paginate.ts';
export { AccessTokenCache, type IssuedToken } from './access-token-cache.ts';
export type { WecomLogger } from './request-executor.ts';
export type { CustomerGroupListQuery } from './api/group-api.ts';
export type { CorpTagQuery } from './api/tag-api.ts';
export type {
  ConnectionTestResult, ContactTag, CorpTagGroup, CustomerGroup, CustomerGroupMember, CustomerGroupSummary, ExternalContact, ExternalContactDetail,
  ExternalContactFollow, Follower, InternalGroup, NameResolution, Page, WecomUser,
} from './wecom-types.ts';
export { signature as callbackSignature, verifySignature as verifyCallbackSignature } from './callback/signature.ts';
export { decrypt as decryptCallback, encrypt as encryptCallback, type DecryptedCallback } from './callback/callback-crypto.ts';
export { parseEnvelope, type CallbackEnvelope } from './callback/callback-xml.ts';
export {
  parseEvent, type CallbackEvent, type ChatChange, type ContactChange, type EventHeader, type TagChange,
} from './callback/callback-events.ts';
export { verifyCallback, type CallbackRefusal, type CallbackVerification, type VerifyCallbackInput } from './callback/verify-callback.ts';
export { WecomCallbackError, type CallbackFailure } from './callback/callback-error.ts';
