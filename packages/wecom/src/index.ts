export { createWecomClient, type WecomClient, type WecomClientOptions } from './wecom-client.ts';
export { WecomError, WecomTransportError, isWecomError, type WecomErrorKind, type WecomTransportFailure } from './wecom-error.ts';
export { errcodePolicy, KNOWN_ERRCODES, type ErrcodePolicy, type ErrcodeReaction, type ErrcodeSource } from './errcode-policy.ts';
export { DEFAULT_RETRY_POLICY, backoffDelayMs, type RetryPolicy } from './retry-policy.ts';
export { TokenBucket, type TimeSource } from './token-bucket.ts';
export { ConcurrencyGate, type Permit } from './concurrency-gate.ts';
export { allPages } from './paginate.ts';
export type { WecomLogger } from './request-executor.ts';
export type { CustomerGroupListQuery } from './api/group-api.ts';
export type {
  ConnectionTestResult, ContactTag, CustomerGroup, CustomerGroupMember, CustomerGroupSummary, ExternalContact, ExternalContactDetail,
  ExternalContactFollow, Follower, InternalGroup, NameResolution, Page, WecomUser,
} from './wecom-types.ts';
