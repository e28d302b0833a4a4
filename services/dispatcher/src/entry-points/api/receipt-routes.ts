import { createHash, timingSafeEqual } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import { NotFoundError, PayloadTooLargeError, UnauthorizedError, type ServiceContext } from '@doitcrm/kit';
import type { DispatcherConfig } from '../../config.ts';
import { acceptReceipts, receiptMetrics } from '../../domain/delivery-receipts.ts';
import { parseAliyunReceipts, parseTencentReceipts, RECEIPT_PROVIDERS, type DeliveryReceipt } from '../../domain/receipt-formats.ts';

/** A push of 1,000 receipts is ~300 KB; nothing a provider sends comes near 512 KB. */
export const RECEIPT_JSON_LIMIT = '512kb';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Equal tokens, in constant time (the digests have one length whatever was sent). */
function tokenMatches(given: unknown, expected: string): boolean {
  return typeof given === 'string' && timingSafeEqual(digest(given), digest(expected));
}

/** What each provider expects back: anything else makes it push the batch again. */
const ANSWERS = {
  // https://www.tencentcloud.com/document/product/382/43547 (response parameters)
  tencent: { result: 0, errmsg: 'OK' },
  // https://help.aliyun.com/zh/sms/developer-reference/smsreport-2 (响应说明)
  aliyun: { code: 0, msg: '成功' },
} as const;

const PARSERS: Record<keyof typeof RECEIPT_PROVIDERS, (body: unknown) => DeliveryReceipt[]> = {
  tencent: parseTencentReceipts,
  aliyun: parseAliyunReceipts,
};

/**
 * `POST /api/receipts/sms/{tencent,aliyun}?token=…`: SMS delivery receipts pushed by the providers. Outside the login
 * (a provider has no session) and authenticated by `DISPATCH_RECEIPT_TOKEN` in the URL — neither console signs its
 * pushes in a way we could check. The token is checked before the body is read; unset, the routes answer 404.
 */
export function createReceiptRoutes(context: ServiceContext<DispatcherConfig>, options: { unknownAfterSeconds?: number } = {}): Router {
  const router = Router();
  const token = context.config.DISPATCH_RECEIPT_TOKEN;
  const counter = receiptMetrics(context.metrics.registry);
  if (!token) context.logger.info('SMS delivery receipts are off: DISPATCH_RECEIPT_TOKEN is not set, so /api/receipts/sms/* answers 404');
  const parse = express.json({ limit: RECEIPT_JSON_LIMIT, type: () => true, strict: false });
  const readBody: RequestHandler = (req, res, next) => parse(req, res, (error?: unknown) => {
    const tooLarge = (error as { type?: string } | undefined)?.type === 'entity.too.large';
    next(tooLarge ? new PayloadTooLargeError(`请求体过大：回执上限 ${RECEIPT_JSON_LIMIT}`, [{ field: 'body', message: `limit ${RECEIPT_JSON_LIMIT}` }]) : error);
  });

  for (const provider of Object.keys(RECEIPT_PROVIDERS) as Array<keyof typeof RECEIPT_PROVIDERS>) {
    const gate: RequestHandler = (req, _res, next) => {
      if (!token) {
        context.logger.warn({ provider }, 'SMS receipt refused: DISPATCH_RECEIPT_TOKEN is not set');
        throw new NotFoundError(`没有这个接口: ${req.method} ${req.baseUrl}${req.path}`);
      }
      if (!tokenMatches(req.query['token'], token)) {
        counter.inc({ provider: RECEIPT_PROVIDERS[provider], outcome: 'refused' });
        context.logger.warn({ provider, ip: req.ip }, 'SMS receipt refused: wrong or missing token');
        throw new UnauthorizedError('回执令牌无效');
      }
      next();
    };
    router.post(`/receipts/sms/${provider}`, gate, readBody, async (req, res) => {
      const receipts = PARSERS[provider](req.body);
      const { stored, replayed } = await acceptReceipts({ pool: context.pool, logger: context.logger, counter, ...options }, RECEIPT_PROVIDERS[provider], receipts);
      // debug, not info: a provider posts receipts all day, and under npm start each SMS of the demo's sends drew a line
      context.logger.debug({ provider, items: receipts.length, stored, replayed }, 'SMS delivery receipts received');
      res.json(ANSWERS[provider]);
    });
  }
  return router;
}
