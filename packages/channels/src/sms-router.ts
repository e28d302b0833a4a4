import { createHash } from 'node:crypto';
import { ChannelError, isChannelError } from './channel-error.ts';
import type { ChannelAdapter, OutgoingMessage, SendResult } from './channel-types.ts';

export interface WeightedProvider {
  adapter: ChannelAdapter;
  /** share of the messages this provider takes first; 0 = standby only */
  weight: number;
}

export interface SmsRouterOptions {
  /**
   * also fail over after a timeout. Off by default: the first provider may have sent the message, and the second
   * cannot know (OutId and SessionContext are per provider), so taking over would send it twice.
   */
  failoverOnAmbiguous?: boolean;
}

export interface SmsSendResult extends SendResult {
  /** which provider sent it */
  channel: ChannelAdapter['channel'];
}

export interface SmsRouter extends ChannelAdapter {
  send(message: OutgoingMessage): Promise<SmsSendResult>;
}

/**
 * SMS split across providers by weight; when the chosen provider fails in a way another provider would not (its
 * outage, its rate limit, its balance or template), the next takes over. The first choice is a function of the
 * message id, so a retried message goes to the same provider first and its OutId / SessionContext stays useful.
 * Recipient failures (bad number, per-number limits) are thrown as they are: failing over would only dodge the
 * per-number limits that protect the recipient.
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
      for (const adapter of order(message.id)) {
        try {
          const result = await adapter.send(message);
          return { ...result, channel: adapter.channel };
        } catch (error) {
          if (!isChannelError(error)) throw error;
          const takeOver = !error.recipient && (!error.ambiguous || options.failoverOnAmbiguous === true);
          if (!takeOver) throw error;
          last = pickLast(last, error);
        }
      }
      throw last!;
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
