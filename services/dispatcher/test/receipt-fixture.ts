import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import {
  createAliyunSmsFake, createAppWebhookReceiver, createTencentSmsFake, type AliyunSmsFake, type AppWebhookReceiver, type ReceiptPushOptions, type TencentSmsFake,
} from '@doitcrm/fakes';
import { listen, type ServiceContext } from '@doitcrm/kit';
import { createTestUser, loginCookie, useTestService } from '@doitcrm/kit/testing';
import type { Express } from 'express';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape, type DispatcherConfig } from '../src/config.ts';
import { DEFAULT_DISPATCH_SETTINGS } from '../src/domain/dispatch-settings.ts';
import { startDispatchWorkers } from '../src/entry-points/queue/start-dispatch-workers.ts';
import { createReceiptSettler } from '../src/queue/receipt-settler.ts';
import { nextPhone, WEBHOOK_SECRET_REF } from './dispatch-fixture.ts';

export const RECEIPT_TOKEN = 'test-receipt-token-0123456789abcdef';

/**
 * The receipt path end to end: the dispatcher's app listening on a loopback port (the fakes push to it over HTTP), its
 * workers and receipt settler, and both SMS fakes pushing receipts — Aliyun every receipt twice (replays), Tencent out
 * of order. `failPhones` get "not delivered" receipts from either.
 */
export interface ReceiptTestbed {
  context: ServiceContext<DispatcherConfig>;
  app: Express;
  baseUrl: string;
  staffCookie: string;
  aliyun: AliyunSmsFake;
  tencent: TencentSmsFake;
  webhook: AppWebhookReceiver;
  webhookUrl: string;
  failPhones: string[];
}

export function useReceiptTestbed(): ReceiptTestbed {
  const bed = { failPhones: [nextPhone(), nextPhone(), nextPhone()] } as ReceiptTestbed;
  const closers: Array<() => Promise<void>> = [];
  const urls = { aliyun: '', tencent: '' };
  const receiptsTo = (provider: 'aliyun' | 'tencent', extra: Partial<ReceiptPushOptions>): ReceiptPushOptions => ({
    delayMs: 100, failNumbers: bed.failPhones, retries: 0, ...extra,
    // read at each push (a getter, so not spread): the app listens only once the service exists, and the service needs
    // the fakes' addresses first
    get url() {
      return `${bed.baseUrl}/api/receipts/sms/${provider}?token=${RECEIPT_TOKEN}`;
    },
  });
  beforeAll(async () => {
    const generous = { minute: 10_000, hour: 10_000, day: 10_000 };
    bed.aliyun = createAliyunSmsFake({ perNumber: generous, receipts: receiptsTo('aliyun', { duplicateShare: 1 }) });
    bed.tencent = createTencentSmsFake({ perNumber: { sameContentSeconds: 0, perHour: 10_000, perDay: 10_000 }, receipts: receiptsTo('tencent', { outOfOrder: true }) });
    bed.webhook = createAppWebhookReceiver();
    const [aliyun, tencent, hook] = await Promise.all([bed.aliyun.listen(0), bed.tencent.listen(0), bed.webhook.listen(0)]);
    urls.aliyun = aliyun.url;
    urls.tencent = tencent.url;
    bed.webhookUrl = `${hook.url}/hooks/notify`;
    closers.push(aliyun.close, tencent.close, hook.close, async () => bed.aliyun.receipts?.close(), async () => bed.tencent.receipts?.close());
  });
  useTestService('dispatcher', dispatcherConfigShape, {
    env: () => ({
      HOST: '127.0.0.1', DISPATCH_RECEIPT_TOKEN: RECEIPT_TOKEN, CHANNEL_TIMEOUT_MS: '2000', DISPATCH_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      ALIYUN_SMS_ENDPOINT: urls.aliyun, ALIYUN_SMS_ACCESS_KEY_ID: bed.aliyun.accessKeyId, ALIYUN_SMS_ACCESS_KEY_SECRET: bed.aliyun.accessKeySecret,
      ALIYUN_SMS_SIGN_NAME: '学校通知',
      TENCENT_SMS_ENDPOINT: urls.tencent, TENCENT_SMS_SECRET_ID: bed.tencent.secretId, TENCENT_SMS_SECRET_KEY: bed.tencent.secretKey,
      TENCENT_SMS_SDK_APP_ID: bed.tencent.smsSdkAppId, TENCENT_SMS_SIGN_NAME: '学校通知',
    }),
    async prepare(context) {
      bed.context = context;
      bed.app = createDispatcherApp(context);
      const server = await listen(context, bed.app, 0);
      bed.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      bed.staffCookie = await loginCookie(bed.app, (await createTestUser(context, 'staff')).username);
      await startDispatchWorkers(context, {
        settings: () => DEFAULT_DISPATCH_SETTINGS, resetGuardMs: 0, secret: (name) => (name === WEBHOOK_SECRET_REF ? bed.webhook.secret : undefined),
      });
      const settler = createReceiptSettler({ pool: context.pool, logger: context.logger, registry: context.metrics.registry, intervalMs: 100 });
      settler.start();
      context.shutdown.add('test receipt settler', () => settler.stop());
    },
  });
  afterAll(async () => {
    for (const close of closers) await close();
  });
  return bed;
}

export interface DeliveryState {
  id: number;
  status: string;
  provider: string | null;
  provider_message_id: string | null;
  delivery_status: string | null;
  delivered_at: Date | null;
  delivery_error: string | null;
}

export async function deliveryStates(context: ServiceContext, ids: number[]): Promise<DeliveryState[]> {
  const { rows } = await context.pool.query<DeliveryState & { id: string }>(
    `SELECT id, status, provider, provider_message_id, delivery_status, delivered_at, delivery_error FROM dispatch.messages WHERE id = ANY($1) ORDER BY id`, [ids]);
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** Everything the receipt path writes, for "nothing changed" checks. */
export async function receiptSnapshot(context: ServiceContext): Promise<{ receipts: number; callbacks: number; messages: unknown[] }> {
  const { rows: [counts] } = await context.pool.query<{ receipts: number; callbacks: number }>(
    `SELECT (SELECT count(*)::int FROM dispatch.delivery_receipts) AS receipts, (SELECT count(*)::int FROM dispatch.trace_events WHERE stage = 'callback') AS callbacks`);
  const { rows: messages } = await context.pool.query(
    'SELECT id, delivery_status, delivered_at, delivery_error, updated_at FROM dispatch.messages WHERE delivery_status IS NOT NULL ORDER BY id');
  return { ...counts!, messages };
}
