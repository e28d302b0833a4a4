import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';
import { afterAll, beforeAll } from 'vitest';
import {
  createAliyunSmsFake, createAppWebhookReceiver, createTencentSmsFake, type AliyunSmsFake, type AppWebhookReceiver, type TencentSmsFake,
} from '@doitcrm/fakes';
import type { ServiceContext } from '@doitcrm/kit';
import { useTestService, waitFor } from '@doitcrm/kit/testing';
import type { DispatchChannel } from '@doitcrm/types';
import { dispatcherConfigShape, type DispatcherConfig } from '../src/config.ts';
import { DEFAULT_DISPATCH_SETTINGS, type DispatchSettings } from '../src/domain/dispatch-settings.ts';
import { startDispatchWorkers, type DispatchWorkers } from '../src/entry-points/queue/start-dispatch-workers.ts';
import { DEAD_QUEUE, SEND_EXCHANGE, routingKey, tierOf } from '../src/queue/topology.ts';

/**
 * The sending path's component tests: the real PostgreSQL, RabbitMQ and Redis of the test harness, the workers of
 * this process, and the channel fakes over HTTP (Aliyun SMS, an app-webhook receiver). Messages are put in the way
 * the intake does it — rows written as queued, then an envelope on SEND_EXCHANGE (directly or from an outbox row).
 */
export const WEBHOOK_SECRET_REF = 'TEST_WEBHOOK_SECRET';

export interface DispatchTestbed {
  context: ServiceContext<DispatcherConfig>;
  workers: DispatchWorkers;
  sms: AliyunSmsFake;
  /** with `{ tencent: true }`: the second SMS provider, on standby (weight 0) so Aliyun is always picked first */
  tencent: TencentSmsFake;
  webhook: AppWebhookReceiver;
  webhookUrl: string;
  settings: DispatchSettings;
}

/**
 * `channelTimeoutMs` (2 s): how long a provider call may take before it is retried. A test that counts retries as
 * failures wants more: on a box loaded by the whole suite a fake's answer can take over 2 s (seen at load 14–19).
 */
export function useDispatchTestbed(settings: Partial<DispatchSettings> = {}, options: { tencent?: boolean; channelTimeoutMs?: number } = {}): DispatchTestbed {
  const bed = { settings: { ...DEFAULT_DISPATCH_SETTINGS, ...settings } } as DispatchTestbed;
  const closers: Array<() => Promise<void>> = [];
  let smsUrl = '';
  let tencentUrl = '';
  beforeAll(async () => {
    // a per-number limit far above the dispatcher's own, so only ours decides
    bed.sms = createAliyunSmsFake({ perNumber: { minute: 10_000, hour: 10_000, day: 10_000 }, qps: 100_000 });
    const sms = await bed.sms.listen(0, '127.0.0.1');
    smsUrl = sms.url;
    bed.webhook = createAppWebhookReceiver();
    const hook = await bed.webhook.listen(0, '127.0.0.1');
    bed.webhookUrl = `${hook.url}/hooks/notify`;
    closers.push(sms.close, hook.close);
    if (options.tencent) {
      bed.tencent = createTencentSmsFake({ perNumber: { sameContentSeconds: 0, perHour: 10_000, perDay: 10_000 }, qps: 100_000 });
      const tencent = await bed.tencent.listen(0, '127.0.0.1');
      tencentUrl = tencent.url;
      closers.push(tencent.close);
    }
  });
  useTestService('dispatcher', dispatcherConfigShape, {
    env: () => ({
      ALIYUN_SMS_ENDPOINT: smsUrl, ALIYUN_SMS_ACCESS_KEY_ID: bed.sms.accessKeyId, ALIYUN_SMS_ACCESS_KEY_SECRET: bed.sms.accessKeySecret,
      ALIYUN_SMS_SIGN_NAME: '学校通知', CHANNEL_TIMEOUT_MS: String(options.channelTimeoutMs ?? 2_000), DISPATCH_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      ...(options.tencent ? {
        TENCENT_SMS_ENDPOINT: tencentUrl, TENCENT_SMS_SECRET_ID: bed.tencent.secretId, TENCENT_SMS_SECRET_KEY: bed.tencent.secretKey,
        TENCENT_SMS_SDK_APP_ID: bed.tencent.smsSdkAppId, TENCENT_SMS_SIGN_NAME: '学校通知', TENCENT_SMS_WEIGHT: '0',
      } : {}),
    }),
    async prepare(context) {
      bed.context = context;
      bed.workers = await startDispatchWorkers(context, {
        settings: () => bed.settings,
        resetGuardMs: 0,
        secret: (name) => (name === WEBHOOK_SECRET_REF ? bed.webhook.secret : undefined),
      });
    },
  });
  afterAll(async () => {
    for (const close of closers) await close();
  });
  return bed;
}

let templateCounter = 0;

export interface TemplateSpec {
  channel: DispatchChannel;
  body: string;
  subject?: string;
  providerTemplate?: string;
  webhookUrl?: string;
  fallbackTemplateId?: number;
}

/** A template row written directly (the templates API is tested on its own). */
export async function insertTemplate(context: ServiceContext, spec: TemplateSpec): Promise<number> {
  const { rows } = await context.pool.query<{ id: string }>(
    `INSERT INTO dispatch.templates (name, channel, subject, body, provider_template, webhook_url, webhook_secret_ref, fallback_template_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [`测试模板-${++templateCounter}-${randomUUID().slice(0, 8)}`, spec.channel, spec.subject ?? null, spec.body, spec.providerTemplate ?? null,
      spec.webhookUrl ?? null, spec.webhookUrl ? WEBHOOK_SECRET_REF : null, spec.fallbackTemplateId ?? null]);
  return Number(rows[0]!.id);
}

export interface QueuedMessage {
  id: number;
  traceId: string;
  channel: DispatchChannel;
  priority: number;
}

/** Message rows as the intake writes them (status queued), set-based: one row per recipient. */
export async function insertQueued(
  context: ServiceContext, templateId: number, recipients: string[], options: { priority?: number; variables?: Record<string, unknown> } = {},
): Promise<QueuedMessage[]> {
  const { rows } = await context.pool.query<{ id: string; trace_id: string; channel: DispatchChannel; priority: number }>(
    `INSERT INTO dispatch.messages (batch_id, trace_id, template_id, channel, recipient, variables, priority, status, queued_at)
     SELECT $1, gen_random_uuid(), t.id, t.channel, r.recipient, $4, $5, 'queued', now()
     FROM dispatch.templates t, unnest($3::text[]) WITH ORDINALITY AS r(recipient, n)
     WHERE t.id = $2 ORDER BY r.n
     RETURNING id, trace_id, channel, priority`,
    [randomUUID(), templateId, recipients, options.variables ?? {}, options.priority ?? 5]);
  return rows.map((row) => ({ id: Number(row.id), traceId: row.trace_id, channel: row.channel, priority: row.priority }));
}

/** What the outbox relay publishes for a message: a dispatch.send envelope on SEND_EXCHANGE under its tier's key. */
export async function publishCopy(context: ServiceContext, message: QueuedMessage, attempt = 0): Promise<void> {
  await context.broker.publishEnvelope(context.broker.name(SEND_EXCHANGE), routingKey(message.channel, tierOf(message.priority)), {
    id: randomUUID(), type: 'dispatch.send', occurredAt: new Date().toISOString(), traceId: message.traceId,
    payload: { messageId: message.id, attempt },
  });
}

export async function publishAll(context: ServiceContext, messages: QueuedMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 200) await Promise.all(messages.slice(i, i + 200).map((message) => publishCopy(context, message)));
}

/** The relay's job for the rows the workers wrote to dispatch.outbox (fallbacks): publish, then delete. */
export async function relayOutbox(context: ServiceContext): Promise<number> {
  const { rows } = await context.pool.query<{ id: string; message_id: string; trace_id: string; routing_key: string; attempt: number }>(
    'DELETE FROM dispatch.outbox RETURNING id, message_id, trace_id, routing_key, attempt');
  for (const row of rows) {
    await context.broker.publishEnvelope(context.broker.name(SEND_EXCHANGE), row.routing_key, {
      id: randomUUID(), type: 'dispatch.send', occurredAt: new Date().toISOString(), traceId: row.trace_id,
      payload: { messageId: Number(row.message_id), attempt: row.attempt },
    });
  }
  return rows.length;
}

export interface MessageState {
  id: number;
  status: string;
  attempts: number;
  provider: string | null;
  provider_message_id: string | null;
  last_error_kind: string | null;
  due_at: Date | null;
  fallback_of: string | null;
}

export async function messageStates(context: ServiceContext, ids: number[]): Promise<MessageState[]> {
  const { rows } = await context.pool.query<MessageState & { id: string }>(
    `SELECT id, status, attempts, provider, provider_message_id, last_error_kind, due_at, fallback_of
     FROM dispatch.messages WHERE id = ANY($1) ORDER BY id`, [ids]);
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

export async function waitForStatus(context: ServiceContext, ids: number[], statuses: string[], timeoutMs = 15_000): Promise<MessageState[]> {
  return waitFor(`messages ${ids.length > 5 ? `(${ids.length})` : ids.join(',')} to reach ${statuses.join('/')}`,
    () => messageStates(context, ids),
    { timeoutMs, intervalMs: 50, until: (states) => states.length === ids.length && states.every((s) => statuses.includes(s.status)) });
}

export async function traceStages(context: ServiceContext, messageId: number): Promise<Array<{ stage: string; detail: Record<string, unknown> }>> {
  const { rows } = await context.pool.query<{ stage: string; detail: Record<string, unknown> }>(
    'SELECT stage, detail FROM dispatch.trace_events WHERE message_id = $1 ORDER BY at, id', [messageId]);
  return rows;
}

let phone = 13_900_000_000 + Math.floor(Math.random() * 50_000_000);
/** a fresh phone number per call */
export const nextPhone = () => String(++phone);

/** The DEAD_QUEUE copy of one message (copies before it are taken off too), through a connection of the test's own. */
export async function takeDeadCopy(context: ServiceContext, messageId: number): Promise<{ payload: { messageId: number } } | undefined> {
  const connection = await amqplib.connect(context.config.AMQP_URL);
  try {
    const channel = await connection.createChannel();
    for (;;) {
      const got = await channel.get(context.broker.name(DEAD_QUEUE), { noAck: true });
      if (!got) return undefined;
      const copy = JSON.parse(got.content.toString('utf8')) as { payload: { messageId: number } };
      if (copy.payload.messageId === messageId) return copy;
    }
  } finally {
    await connection.close();
  }
}
