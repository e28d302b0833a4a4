import { createBatcher } from '@doitcrm/kit';
import type { Claim, ClaimDecision, Dedupe } from '@doitcrm/limits';

/**
 * The workers' dedupe with its per-message calls gathered into groups, one script call each (packages/limits
 * `claimMany`, `recordSentMany`): a claim group's messages ask in the same turn, and the sends finishing within a
 * few milliseconds of each other are recorded together. Each item's answer is what the single call would give, so the send path
 * does not change: a claim still comes before the send, the record only after it.
 */
export function createGroupedDedupe(dedupe: Dedupe, group: { maxItems: number; maxDelayMs: number } = { maxItems: 100, maxDelayMs: 5 }): Dedupe {
  const claims = createBatcher<{ key: string; ttlMs?: number }, ClaimDecision>({ ...group, flush: (items) => dedupe.claimMany(items) });
  // sends finish one answer at a time, so a record group would hold one item; the copy's ack waits for the outcome's
  // PostgreSQL group as well, which takes longer than this gathering window
  const records = createBatcher<{ key: string; windowMs: number; claim?: Claim }, boolean>({
    ...group, alwaysWait: true, flush: (items) => dedupe.recordSentMany(items),
  });
  return {
    ...dedupe,
    claim: (key, ttlMs) => claims.add(ttlMs === undefined ? { key } : { key, ttlMs }),
    recordSent: (key, windowMs, claim) => records.add(claim ? { key, windowMs, claim } : { key, windowMs }),
  };
}
