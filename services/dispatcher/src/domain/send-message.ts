import { createHash } from 'node:crypto';
import { retryOnConnectionLoss, type Logger, type Pool } from '@doitcrm/kit';
import {
  ChannelError, isChannelError, ProvidersOverLimitError, type ChannelAdapter, type OutgoingMessage, type SendResult, type SkippedProvider,
} from '@doitcrm/channels';
import type { Dedupe, Limiter, Reservation, SendLimits } from '@doitcrm/limits';
import type { DispatchChannel } from '@doitcrm/types';
import { findContactPhones } from '../data-access/contact-phone-repository.ts';
import { failWithFallback, type ClaimedMessage, type MessageResult, type MessageStore } from '../data-access/message-store.ts';
import { RETRY_STEPS_MS, routingKey, tierOf } from '../queue/topology.ts';
import type { DispatchSettings } from './dispatch-settings.ts';
import { compileTemplate, type RenderedMessage } from './template-text.ts';
import { UnsafeWebhookError } from './webhook-guard.ts';
import type { WorkerMetrics } from './worker-metrics.ts';
import { chooseFallbackRecipient } from './fallback-recipient.ts';

/** A queue copy of a message, as the worker received it. */
export interface MessageCopy {
  messageId: number;
  attempt: number;
  traceId: string;
  channel: DispatchChannel;
  priority: number;
}

/** What the send path needs from RabbitMQ (entry-points/queue implements it with publisher confirms). */
export interface DispatchQueue {
  /** into the back-off queue of `step`, coming back as `attempt` */
  later(copy: MessageCopy, attempt: number, step: number): Promise<void>;
  /** a copy parked in DEAD_QUEUE for inspection */
  dead(copy: MessageCopy): Promise<void>;
}

/** Where a message's adapter comes from: the configured channels, or the template's own webhook. */
export interface AdapterSource {
  adapterFor(message: ClaimedMessage): Promise<ChannelAdapter>;
}

export interface SendMessageDeps {
  pool: Pool;
  store: MessageStore;
  queue: DispatchQueue;
  adapters: AdapterSource;
  dedupe: Dedupe;
  limiter: Limiter;
  sendLimits: SendLimits;
  settings: () => DispatchSettings;
  metrics: WorkerMetrics;
  logger: Logger;
  /** how long a claimed row (and its dedupe claim) is held before another worker may take it over: leaseFor() */
  leaseMs: number;
}

/**
 * The longest one message can take in a live worker: two provider calls (the SMS router's failover) at the channel
 * timeout, plus Redis and PostgreSQL. A row held longer is taken over, its holder presumed dead; the dedupe claim is
 * held as long, so a takeover of a slow but live send defers instead of sending twice.
 */
export function leaseFor(channelTimeoutMs: number): number {
  return 2 * channelTimeoutMs + 5_000;
}
/** Waits up to the longest back-off step ride a back-off queue besides being due in PostgreSQL; longer ones wait for the poller. */
const SHORT_WAIT_MS = 30_000;

const compiled = new Map<string, (variables: Record<string, unknown>) => RenderedMessage>();
function render(message: ClaimedMessage): RenderedMessage {
  const key = `${message.templateId}@${message.template.updatedAt}:${message.channel}`;
  let fill = compiled.get(key);
  if (!fill) {
    if (compiled.size > 500) compiled.clear();
    fill = compileTemplate({ channel: message.channel, subject: message.template.subject, body: message.template.body });
    compiled.set(key, fill);
  }
  return fill(message.variables);
}

/** template + recipient + rendered content: the same notice to the same person inside the window goes once */
export function dedupeKeyOf(message: ClaimedMessage, rendered: RenderedMessage): string {
  return createHash('sha256').update(JSON.stringify([message.templateId, message.channel, message.recipient, rendered.subject ?? null, rendered.body])).digest('base64url');
}

function outgoing(message: ClaimedMessage, rendered: RenderedMessage): OutgoingMessage {
  const params = Object.fromEntries(Object.entries(message.variables).map(([k, v]) => [k, String(v)]));
  return {
    // the trace id: unique across installations, and what the provider's idempotency key and receipts then carry
    id: message.traceId,
    traceId: message.traceId,
    to: message.recipient,
    ...(rendered.subject === undefined ? {} : { subject: rendered.subject }),
    ...(message.channel === 'email'
      ? { text: rendered.body.replace(/<[^>]*>/gu, ''), html: rendered.body }
      : { text: rendered.body }),
    ...(message.template.providerTemplate ? { template: { id: message.template.providerTemplate, params } } : {}),
    templateId: message.templateId,
    variables: message.variables,
  };
}

const stepFor = (waitMs: number) => {
  const index = RETRY_STEPS_MS.findIndex((ms) => ms >= waitMs);
  return index === -1 ? RETRY_STEPS_MS.length - 1 : index;
};

/**
 * One queue copy of a message, from claim to record: claim the row (a copy of a row sent, or being sent by a live
 * worker, is not sent again), dedupe and limits (a refusal defers, never drops), render, send, record. Resolves when
 * the copy may be acked: every outcome is in PostgreSQL, and every copy it needs published and confirmed.
 */
export async function sendMessage(deps: SendMessageDeps, copy: MessageCopy): Promise<string> {
  const { store, metrics } = deps;
  const claim = await retryOnConnectionLoss(() => store.claim({ id: copy.messageId, attempt: copy.attempt }), { logger: deps.logger });
  if (claim.outcome === 'busy') {
    // its holder may have died with the row in processing: look again once the lease is over
    await deps.queue.later(copy, copy.attempt, stepFor(deps.leaseMs + 1_000));
    metrics.outcomes.inc({ channel: copy.channel, outcome: 'busy' });
    return 'busy';
  }
  if (claim.outcome !== 'claimed') {
    metrics.outcomes.inc({ channel: copy.channel, outcome: 'skipped' });
    return claim.outcome;
  }
  const message = claim.message;
  const settings = deps.settings();
  if (deps.sendLimits.config !== settings.limits) deps.sendLimits.update(settings.limits);
  const record = (result: Omit<MessageResult, 'id' | 'traceId'>) => {
    metrics.outcomes.inc({ channel: message.channel, outcome: result.detail['duplicate'] ? 'duplicate' : result.status });
    return retryOnConnectionLoss(() => store.record({ id: message.id, traceId: message.traceId, ...result }), { logger: deps.logger });
  };
  const defer = async (waitMs: number, reason: string, errorKind?: MessageResult['errorKind'], error?: string, more: Record<string, unknown> = {}) => {
    if (waitMs <= SHORT_WAIT_MS) await deps.queue.later({ ...copy, attempt: message.attempts - 1 }, message.attempts - 1, stepFor(waitMs));
    await record({
      status: 'deferred', stage: 'deferred', dueAt: new Date(Date.now() + waitMs), attemptsDelta: -1,
      ...(errorKind ? { errorKind } : {}), ...(error ? { error } : {}), detail: { reason, waitMs, ...more },
    });
    return 'deferred';
  };

  let rendered: RenderedMessage;
  try {
    rendered = render(message);
  } catch (error) {
    return failPermanently(deps, copy, message, settings, `render: ${(error as Error).message}`, {});
  }

  const dedupeKey = dedupeKeyOf(message, rendered);
  const windowMs = settings.dedupe.windowSeconds * 1000;
  // asked together: one round trip of waiting instead of two; the rare refusal gives back what the other granted
  const [decision, limit] = await Promise.all([
    windowMs > 0 && !message.resend ? deps.dedupe.claim(dedupeKey, deps.leaseMs) : Promise.resolve(null),
    deps.sendLimits.acquire({ channel: message.channel, recipient: message.recipient }),
  ]);
  if (decision && decision.outcome !== 'claimed') {
    if (limit.outcome === 'reserved') await deps.limiter.refund(limit.reservation);
    if (decision.outcome === 'defer') return defer(decision.retryAfterMs, `dedupe:${decision.reason}`);
    await record({ status: 'sent', stage: 'sent', provider: 'dedupe', dedupeKey, detail: { duplicate: true, attempt: message.attempts } });
    return 'duplicate';
  }
  const dedupeClaim = decision?.claim;
  if (limit.outcome === 'defer') {
    if (dedupeClaim) await deps.dedupe.releaseClaim(dedupeClaim);
    return defer(limit.retryAfterMs, limit.reason === 'limit' ? `limit:${limit.refusedBy.join(',')}` : 'limits unavailable');
  }

  const started = performance.now();
  let result: SendResult & { channel?: string; skipped?: SkippedProvider[] };
  try {
    const adapter = await deps.adapters.adapterFor(message);
    result = await adapter.send(outgoing(message, rendered));
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    const failure = classify(error, message.channel);
    metrics.sendSeconds.observe({ channel: message.channel, result: failure.kind }, latencyMs / 1000);
    if (dedupeClaim) await deps.dedupe.releaseClaim(dedupeClaim);
    // the provider certainly never took it: its rate and cap slots are given back
    if (failure.kind !== 'transient' || !failure.ambiguous) await deps.limiter.refund(limit.reservation);
    else await release(deps.limiter, limit.reservation);
    const detail = { attempt: message.attempts, latencyMs, code: failure.code, error: failure.message };
    // every SMS provider at its own limit (ours, in Redis): like a channel limit, deferred to when one has room
    if (failure instanceof ProvidersOverLimitError) {
      return defer(failure.retryAfterMs ?? 1_000, `limit:${limitNames(failure.skipped)}`, undefined, undefined, { providers: failure.skipped });
    }
    if (failure.kind === 'rate-limited') return defer(failure.retryAfterMs ?? 1_000, 'provider rate limit', 'rate_limited', failure.message);
    if (failure.kind === 'permanent') return failPermanently(deps, copy, message, settings, failure.message, detail);
    if (message.attempts >= settings.retry.maxAttempts) {
      await deps.queue.dead(copy);
      await record({ status: 'failed', stage: 'failed', errorKind: 'transient', error: failure.message, detail: { ...detail, outOfAttempts: true } });
      return 'failed';
    }
    const step = Math.max(Math.min(message.attempts - 1, RETRY_STEPS_MS.length - 1), failure.retryAfterMs ? stepFor(failure.retryAfterMs) : 0);
    await deps.queue.later(copy, message.attempts, step);
    await record({ status: 'retrying', stage: 'retry', errorKind: 'transient', error: failure.message, detail: { ...detail, step, delayMs: RETRY_STEPS_MS[step] } });
    return 'retrying';
  }
  const latencyMs = Math.round(performance.now() - started);
  metrics.sendSeconds.observe({ channel: message.channel, result: 'sent' }, latencyMs / 1000);
  const provider = result.channel ?? message.channel;
  await Promise.all([
    record({
      status: 'sent', stage: 'sent', provider, providerMessageId: result.providerMessageId, dedupeKey,
      detail: {
        attempt: message.attempts, latencyMs, provider, ...(message.queuedAt ? { sinceQueuedMs: Date.now() - Date.parse(message.queuedAt) } : {}),
        ...(result.skipped?.length ? { skippedProviders: result.skipped } : {}),
      },
    }),
    // only now, after the provider took it: a failed send never blocks its own retry
    dedupeClaim ? deps.dedupe.recordSent(dedupeKey, windowMs, dedupeClaim) : Promise.resolve(true),
    release(deps.limiter, limit.reservation),
  ]);
  return 'sent';
}

/** `sms_aliyun:provider_rate,sms_tencent:provider_daily_cap`: the limits a deferral waits for, by provider */
const limitNames = (skipped: SkippedProvider[]) => skipped.flatMap((s) => s.refusedBy.map((name) => `${s.provider}:${name}`)).join(',');

/** Only concurrency leases need giving back; a rate slot stays counted, so a reservation of rates alone costs no round trip. */
function release(limiter: Limiter, reservation: Reservation): Promise<unknown> {
  return reservation.checks.some((check) => check.kind === 'concurrency') ? limiter.release(reservation) : Promise.resolve();
}

function classify(error: unknown, channel: DispatchChannel): ChannelError {
  if (isChannelError(error)) return error;
  const adapterChannel = channel === 'sms' ? 'sms_aliyun' : channel;
  if (error instanceof UnsafeWebhookError) return new ChannelError({ channel: adapterChannel, kind: 'permanent', code: 'unsafe_url', message: error.message });
  // a fault of ours (a bug, a missing secret): retried like an outage, and visible in last_error
  return new ChannelError({ channel: adapterChannel, kind: 'transient', code: 'internal', message: (error as Error).message ?? String(error) });
}

async function failPermanently(
  deps: SendMessageDeps, copy: MessageCopy, message: ClaimedMessage, settings: DispatchSettings, error: string, detail: Record<string, unknown>,
): Promise<string> {
  await deps.queue.dead(copy);
  const { fallbackTemplateId, fallbackChannel } = message.template;
  const wanted = settings.fallback.enabled && fallbackTemplateId !== null && fallbackChannel !== null;
  const to = wanted ? await chooseFallbackRecipient(message, fallbackChannel, (id) => findContactPhones(deps.pool, id)) : null;
  const fallback = wanted && to && 'recipient' in to
    ? { originalId: message.id, originalTraceId: message.traceId, templateId: fallbackTemplateId, channel: fallbackChannel,
      recipient: to.recipient, traceDetail: to.traceDetail, routingKey: routingKey(fallbackChannel, tierOf(message.priority)), tier: tierOf(message.priority) }
    : null;
  const skipped = to && 'skipped' in to ? { fallbackSkipped: to.skipped } : {};
  const failure: MessageResult = {
    id: message.id, traceId: message.traceId, status: 'failed', stage: 'failed', errorKind: 'permanent', error,
    detail: { ...detail, ...skipped, attempt: message.attempts },
  };
  const { fallbackId } = await retryOnConnectionLoss(() => failWithFallback(deps.pool, failure, fallback), { logger: deps.logger });
  deps.metrics.outcomes.inc({ channel: message.channel, outcome: 'failed' });
  if (fallbackId !== null) deps.metrics.outcomes.inc({ channel: message.channel, outcome: 'fell_back' });
  return 'failed';
}
