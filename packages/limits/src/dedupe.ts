import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { unavailable, type FailSafeOptions } from './limiter.ts';
import { CLAIM_LUA, CLAIM_MANY_LUA, EXISTS_LUA, RECORD_SENT_LUA, RECORD_SENT_MANY_LUA, RELEASE_CLAIM_LUA } from './lua.ts';
import { runScript, script } from './run-script.ts';
import type { DeferDecision } from './types.ts';

const claimScript = script(CLAIM_LUA);
const existsScript = script(EXISTS_LUA);
const recordSentScript = script(RECORD_SENT_LUA);
const releaseClaimScript = script(RELEASE_CLAIM_LUA);
const claimManyScript = script(CLAIM_MANY_LUA);
const recordSentManyScript = script(RECORD_SENT_MANY_LUA);

export interface DedupeOptions extends FailSafeOptions {
  redis: Redis;
  /** default `dedupe:` */
  keyPrefix?: string;
}

/** Held while one worker sends; give it to `recordSent` after the send, or to `releaseClaim` when it failed. */
export interface Claim {
  key: string;
  token: string;
}

/**
 * - `claimed`: nobody sent this within the window and nobody else is sending it: send, then `recordSent`.
 * - `already_sent`: a send succeeded within the window: do not send (the message is done, as a duplicate).
 * - `defer` (`in_flight`): another worker holds the claim; ask again after `retryAfterMs` (its claim's rest), by
 *   when it has either recorded the send or released the claim.
 * - `defer` (`unavailable`): Redis did not answer; sending could duplicate, so the caller waits like for a limit.
 */
export type ClaimDecision =
  | { outcome: 'claimed'; claim: Claim }
  | { outcome: 'already_sent'; expiresInMs: number }
  | { outcome: 'defer'; reason: 'in_flight'; retryAtMs: number; retryAfterMs: number }
  | DeferDecision;

export type SentCheck = { outcome: 'sent' } | { outcome: 'not_sent' } | DeferDecision;

export interface Dedupe {
  /** Whether a send of `key` succeeded within its window. Read-only: to send, take a `claim`. */
  alreadySent(key: string): Promise<SentCheck>;
  /** A short in-flight claim (`ttlMs`, default 30 s: longer than one send with its timeouts) on an unsent key. */
  claim(key: string, ttlMs?: number): Promise<ClaimDecision>;
  /**
   * Only after the provider accepted the message: `key` counts as sent for `windowMs`, and the claim is freed.
   * Recording before the send (Austin's order) would make a failed send block its own retry. Returns false when
   * Redis did not answer: the send happened all the same, and the dispatcher's own send record is then the guard.
   */
  recordSent(key: string, windowMs: number, claim?: Claim): Promise<boolean>;
  /** The send failed: free the claim so a retry (by this or another worker) may send. Only our own claim is freed. */
  releaseClaim(claim: Claim): Promise<boolean>;
  /**
   * `claim` for a group in one script call (one answer each, in order): a worker claiming dozens of messages a
   * second pays one command instead of one per message. Redis away: every item is deferred, as `claim` would be.
   */
  claimMany(items: ReadonlyArray<{ key: string; ttlMs?: number }>): Promise<ClaimDecision[]>;
  /** `recordSent` for a group in one script call; false for each when Redis did not answer. */
  recordSentMany(items: ReadonlyArray<{ key: string; windowMs: number; claim?: Claim }>): Promise<boolean[]>;
}

export function createDedupe(options: DedupeOptions): Dedupe {
  const prefix = options.keyPrefix ?? 'dedupe:';
  const timeoutMs = options.timeoutMs ?? 1_000;
  const sentKey = (key: string) => `${prefix}sent:${key}`;
  const claimKey = (key: string) => `${prefix}claim:${key}`;
  const positive = (name: string, n: number) => {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive whole number of ms`);
  };

  return {
    async alreadySent(key) {
      try {
        const exists = await runScript(options.redis, existsScript, [sentKey(key)], [], timeoutMs);
        return { outcome: exists === 1 ? 'sent' : 'not_sent' };
      } catch (error) {
        return unavailable(error, options);
      }
    },
    async claim(key, ttlMs = 30_000) {
      positive('ttlMs', ttlMs);
      const token = randomBytes(9).toString('base64url');
      let answer: [string, number?];
      try {
        answer = (await runScript(options.redis, claimScript, [sentKey(key), claimKey(key)], [token, ttlMs], timeoutMs)) as [string, number?];
      } catch (error) {
        return unavailable(error, options);
      }
      return decisionOf(answer, key, token);
    },
    async claimMany(items) {
      if (items.length === 0) return [];
      const tokens = items.map(({ ttlMs = 30_000 }) => {
        positive('ttlMs', ttlMs);
        return randomBytes(9).toString('base64url');
      });
      let answers: Array<[string, number?]>;
      try {
        answers = (await runScript(options.redis, claimManyScript, items.flatMap(({ key }) => [sentKey(key), claimKey(key)]),
          items.flatMap(({ ttlMs = 30_000 }, i) => [tokens[i]!, ttlMs]), timeoutMs)) as Array<[string, number?]>;
      } catch (error) {
        return items.map(() => unavailable(error, options));
      }
      return items.map(({ key }, i) => decisionOf(answers[i]!, key, tokens[i]!));
    },
    async recordSentMany(items) {
      if (items.length === 0) return [];
      for (const { windowMs } of items) positive('windowMs', windowMs);
      try {
        await runScript(options.redis, recordSentManyScript, items.flatMap(({ key }) => [sentKey(key), claimKey(key)]),
          items.flatMap(({ windowMs, claim }) => [claim?.token ?? '', windowMs]), timeoutMs);
        return items.map(() => true);
      } catch {
        return items.map(() => false);
      }
    },
    async recordSent(key, windowMs, claim) {
      positive('windowMs', windowMs);
      try {
        await runScript(options.redis, recordSentScript, [sentKey(key), claimKey(key)], [claim?.token ?? '', windowMs], timeoutMs);
        return true;
      } catch {
        return false;
      }
    },
    async releaseClaim(claim) {
      try {
        return (await runScript(options.redis, releaseClaimScript, [claimKey(claim.key)], [claim.token], timeoutMs)) === 1;
      } catch {
        return false;
      }
    },
  };
}

function decisionOf([outcome, pttl = 0]: [string, number?], key: string, token: string): ClaimDecision {
  if (outcome === 'claimed') return { outcome: 'claimed', claim: { key, token } };
  if (outcome === 'sent') return { outcome: 'already_sent', expiresInMs: pttl };
  const retryAfterMs = Math.max(1, pttl);
  return { outcome: 'defer', reason: 'in_flight', retryAtMs: Date.now() + retryAfterMs, retryAfterMs };
}
