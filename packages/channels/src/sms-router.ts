import { createHash } from 'node:crypto';
import { ChannelError, isChannelError } from './channel-error.ts';
import type { ChannelAdapter, ChannelName, OutgoingMessage, SendResult } from './channel-types.ts';

export interface WeightedProvider {
  adapter: ChannelAdapter;
  /** share of the messages this provider takes first; 0 = standby only */
  weight: number;
}

/** A provider's answer to "may this message go through you now?" (its QPS, concurrency, daily cap). */
export type ProviderAdmission =
  | {
    admitted: true;
    /** after the call: `sent`, `not_sent` (certainly never reached the provider: give the slot back) or `unknown` */
    settle(outcome: 'sent' | 'not_sent' | 'unknown'): Promise<void>;
  }
  | { admitted: false; retryAfterMs: number; refusedBy: string[] };

export type AdmitProvider = (provider: ChannelName, message: OutgoingMessage) => Promise<ProviderAdmission>;

export interface SmsRouterOptions {
  /**
   * also fail over after a timeout. Off by default: the first provider may have sent the message, and the second
   * cannot know (OutId and SessionContext are per provider), so taking over would send it twice.
   */
  failoverOnAmbiguous?: boolean;
  /**
   * asked before each provider is called (the dispatcher's shared limits in Redis): a provider over its limit is
   * skipped for the next one with room; when none has room, ProvidersOverLimitError says when the first frees up
   */
  admit?: AdmitProvider;
}

export interface SkippedProvider {
  provider: ChannelName;
  refusedBy: string[];
  retryAfterMs: number;
}

export interface SmsSendResult extends SendResult {
  /** which provider sent it */
  channel: ChannelAdapter['channel'];
  /** providers passed over because they were at their limit, in the order tried */
  skipped: SkippedProvider[];
}

/**
 * Every provider the message could go to is at its own limit: nothing was sent. A rate limit of ours rather than the
 * provider's, so the caller defers the message by `retryAfterMs` (the soonest any of them has room) — never drops it.
 */
export class ProvidersOverLimitError extends ChannelError {
  readonly skipped: SkippedProvider[];

  constructor(skipped: SkippedProvider[]) {
    super({
      channel: skipped[0]!.provider, kind: 'rate-limited', code: 'provider_limit',
      message: `every SMS provider is at its limit: ${skipped.map((s) => `${s.provider} ${s.refusedBy.join('+')}`).join(', ')}`,
      retryAfterMs: Math.min(...skipped.map((s) => s.retryAfterMs)),
    });
    this.name = 'ProvidersOverLimitError';
    this.skipped = skipped;
  }
}

export interface SmsRouter extends ChannelAdapter {
  send(message: OutgoingMessage): Promise<SmsSendResult>;
}

/**
 * SMS split across providers by weight; when the chosen provider fails in a way another provider would not (its
 * outage, its rate limit, its balance or template), the next takes over. The first choice is a function of the
 * message id, so a retried message goes to the same provider first and its OutId / SessionContext stays useful.
 * Recipient failures (bad number, per-number limits) are thrown as they are: failing over would only dodge the
 * per-number limits that protect the recipient. With `admit`, a provider at its own limit (ours, in Redis) is passed
 * over for the next, and the first choice by weight is kept whenever it has room.
 */
export function createSmsRouter(providers: readonly WeightedProvider[], options: SmsRouterOptions = {}): SmsRouter {
  if (providers.length === 0) throw new Error('the SMS router needs at least one provider');
  if (providers.some((p) => !(p.weight >= 0) || !Number.isFinite(p.weight))) throw new RangeError('weights must be finite and ≥ 0');
  const total = providers.reduce((sum, p) => sum + p.weight, 0);
  if (total <= 0) throw new RangeError('at least one provider needs a weight above 0');

  function order(messageId: string): ChannelAdapter[] {
    const point = createHash('sha256').update(messageId).digest().readUInt32BE(0) / 2 ** 32 * total;
    let first = 0;
    for (let acc = 0, i = 0; i < providers.length; i += 1) {
      acc += providers[i]!.weight;
      if (point < acc) {
        first = i;
        break;
      }
    }
    return [...providers.slice(first), ...providers.slice(0, first)].map((p) => p.adapter);
  }

  return {
    channel: providers[0]!.adapter.channel,
    async send(message) {
      let last: ChannelError | undefined;
      const skipped: SkippedProvider[] = [];
      for (const adapter of order(message.id)) {
        const admission = options.admit ? await options.admit(adapter.channel, message) : null;
        if (admission && !admission.admitted) {
          skipped.push({ provider: adapter.channel, refusedBy: admission.refusedBy, retryAfterMs: admission.retryAfterMs });
          continue;
        }
        try {
          const result = await adapter.send(message);
          await admission?.settle('sent');
          return { ...result, channel: adapter.channel, skipped };
        } catch (error) {
          await admission?.settle(isChannelError(error) && !(error.kind === 'transient' && error.ambiguous) ? 'not_sent' : 'unknown');
          if (!isChannelError(error)) throw error;
          const takeOver = !error.recipient && (!error.ambiguous || options.failoverOnAmbiguous === true);
          if (!takeOver) throw error;
          last = pickLast(last, error);
        }
      }
      // a provider that failed on its own says more than those we held back; with none tried, ours is the answer
      throw last ?? new ProvidersOverLimitError(skipped);
    },
  };
}

/**
 * When every provider failed, the error the caller should act on: a transient one if any (retry soon), else the
 * rate limit that ends first, else the permanent one.
 */
function pickLast(previous: ChannelError | undefined, next: ChannelError): ChannelError {
  if (!previous) return next;
  const rank = (e: ChannelError) => (e.kind === 'transient' ? 0 : e.kind === 'rate-limited' ? 1 : 2);
  if (rank(next) !== rank(previous)) return rank(next) < rank(previous) ? next : previous;
  if (next.kind === 'rate-limited') return (next.retryAfterMs ?? 0) < (previous.retryAfterMs ?? 0) ? next : previous;
  return previous;
}
