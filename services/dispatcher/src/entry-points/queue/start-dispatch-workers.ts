import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { createRedis, type ServiceContext } from '@doitcrm/kit';
import { createChannelsFromSettings, type Channels } from '@doitcrm/channels';
import { createDedupe, createLimiter, createSendLimits } from '@doitcrm/limits';
import { DISPATCH_CHANNELS } from '@doitcrm/types';
import type { DispatcherConfig } from '../../config.ts';
import { createMessageStore } from '../../data-access/message-store.ts';
import { createAdapterSource } from '../../domain/channel-adapters.ts';
import { createProviderAdmission } from '../../domain/provider-admission.ts';
import type { DispatchSettings } from '../../domain/dispatch-settings.ts';
import { leaseFor, sendMessage, type SendMessageDeps } from '../../domain/send-message.ts';
import { createWebhookGuard } from '../../domain/webhook-guard.ts';
import { createWorkerMetrics } from '../../domain/worker-metrics.ts';
import { declareDispatchTopology } from '../../queue/declare-topology.ts';
import { ChannelWorker } from './channel-worker.ts';
import { createDispatchQueue } from './dispatch-queue.ts';
import { createGroupedDedupe } from './grouped-dedupe.ts';
import { startWorkerHeartbeat } from './worker-heartbeat.ts';

export interface DispatchWorkers {
  instance: string;
  workers: ChannelWorker[];
  /** applies workers.concurrency now (also done every second by itself) */
  applySettings(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartDispatchWorkersOptions {
  settings: () => DispatchSettings;
  /** default: createChannelsFromSettings(config) */
  channels?: Channels;
  /** where a template's webhook_secret_ref is looked up; default process.env */
  secret?: (name: string) => string | undefined;
  /** packages/limits' reset guard (default 60 s); tests on a fresh key prefix set 0, or every window starts full */
  resetGuardMs?: number;
}

/**
 * Declares the topology and starts a worker per channel, registered for shutdown: stop taking messages, finish and
 * ack the ones in hand, write what is batched, then the broker closes (it was registered before, so it stops after).
 */
export async function startDispatchWorkers(context: ServiceContext<DispatcherConfig>, options: StartDispatchWorkersOptions): Promise<DispatchWorkers> {
  const { config, logger } = context;
  await declareDispatchTopology(context.broker);
  const instance = `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const metrics = createWorkerMetrics(context.metrics.registry);
  // a connection of its own, pipelining the few calls each message makes (limits, dedupe) across the messages in flight
  const redis = createRedis({ redisUrl: config.REDIS_URL, keyPrefix: config.REDIS_PREFIX, logger, autoPipelining: true });
  // a call may reach its provider up to its deadline after its slot was reserved: rate windows are widened by that
  // (packages/limits checksFor), and after a Redis restart the guard must cover the widened one-minute windows
  const arrivalMarginMs = config.CHANNEL_TIMEOUT_MS;
  const limiter = createLimiter({ redis, resetGuardMs: options.resetGuardMs ?? 60_000 + arrivalMarginMs });
  const leaseMs = leaseFor(config.CHANNEL_TIMEOUT_MS);
  const store = createMessageStore({ pool: context.pool, leaseSeconds: leaseMs / 1000, worker: instance });
  const sendLimits = createSendLimits(limiter, options.settings().limits, { arrivalMarginMs });
  const deps: SendMessageDeps = {
    pool: context.pool,
    store,
    queue: createDispatchQueue(context.broker),
    adapters: createAdapterSource({
      // the SMS router asks the providers' shared limits before each provider it picks by weight
      channels: options.channels ?? createChannelsFromSettings(config, { smsAdmit: createProviderAdmission(limiter, sendLimits) }),
      guard: createWebhookGuard({ allowHosts: config.DISPATCH_WEBHOOK_ALLOW_HOSTS.split(',') }),
      secret: options.secret ?? ((name) => process.env[name]),
      timeoutMs: config.CHANNEL_TIMEOUT_MS,
    }),
    dedupe: createGroupedDedupe(createDedupe({ redis })),
    limiter,
    sendLimits,
    settings: options.settings,
    metrics,
    logger,
    leaseMs,
  };
  const concurrency = () => options.settings()['workers.concurrency'];
  const workers = DISPATCH_CHANNELS.map((channel) => new ChannelWorker({
    broker: context.broker, channel, capacity: concurrency()[channel] ?? 8, metrics, logger,
    handle: (copy) => sendMessage(deps, copy),
  }));
  for (const worker of workers) await worker.start();

  const applySettings = async () => {
    const wanted = concurrency();
    await Promise.all(workers.map((worker) => worker.resize(wanted[worker.channel] ?? worker.capacity)));
  };
  const watch = setInterval(() => void applySettings().catch((error: unknown) => logger.warn({ err: error }, 'could not apply workers.concurrency')), 1_000);
  watch.unref();
  const heartbeat = startWorkerHeartbeat({
    redis: context.redis, instance,
    workers: () => workers.map((worker) => ({ channel: worker.channel, busy: worker.busy, capacity: worker.capacity })),
  });

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      clearInterval(watch);
      await Promise.all(workers.map((worker) => worker.stop()));
      await store.drain();
      await heartbeat.stop();
      await redis.quit().catch(() => redis.disconnect());
    })();
    return stopped;
  };
  context.shutdown.add('dispatch workers', stop);
  logger.info({ instance, concurrency: concurrency() }, 'dispatch workers started');
  return { instance, workers, applySettings, stop };
}
