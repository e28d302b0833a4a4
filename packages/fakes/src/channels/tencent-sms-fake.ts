import { createHash, randomBytes, randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { answerFault, channelFake, channelFakeParts, type ChannelFake } from './channel-fake-base.ts';
import { beijingClock, createReceiptPusher, type ReceiptPusher, type ReceiptPushOptions } from './receipt-pusher.ts';
import { verifyTc3 } from './tencent-tc3.ts';

export interface TencentSmsFakeOptions {
  secretId?: string;
  secretKey?: string;
  /** the SmsSdkAppId the account owns; default random `1400…` */
  smsSdkAppId?: string;
  /**
   * per phone number: the same content at most once per `sameContentSeconds` (default 30 s) and `perDay` sends a
   * day (default 10; the console's defaults, tencentcloud.com/document/product/382/13303)
   */
  perNumber?: { sameContentSeconds?: number; perHour?: number; perDay?: number };
  /** requests per second before `RequestLimitExceeded`; default 3,000 (the documented limit) */
  qps?: number;
  /** push status callbacks (短信下发状态回调) for every accepted send; default none */
  receipts?: ReceiptPushOptions;
  now?: () => number;
}

export interface TencentSmsFake extends ChannelFake {
  secretId: string;
  secretKey: string;
  smsSdkAppId: string;
  /** the receipt pusher, when `receipts` was given */
  receipts: ReceiptPusher | null;
}

const E164ISH = /^(?:\+|00)?\d{6,15}$/;

/**
 * Tencent Cloud SMS `SendSms` (API 2021-01-11) as sms.tencentcloudapi.com answers it: always HTTP 200, request
 * failures as `Response.Error {Code, Message}`, per-number results in `SendStatusSet` (partial success is normal).
 * `SessionContext` is echoed, never deduplicated by Tencent, so deliveries are counted by it to show repeats.
 */
export function createTencentSmsFake(options: TencentSmsFakeOptions = {}): TencentSmsFake {
  const parts = channelFakeParts(options.now);
  const { app, faults, deliveries, windows, now } = parts;
  const secretId = options.secretId ?? `AKID${randomBytes(16).toString('hex')}`;
  const secretKey = options.secretKey ?? randomBytes(16).toString('hex');
  const smsSdkAppId = options.smsSdkAppId ?? `1400${String(randomBytes(3).readUIntBE(0, 3)).padStart(6, '0')}`;
  const receipts = options.receipts ? createReceiptPusher(options.receipts) : null;

  const fail = (res: Response, Code: string, Message: string) =>
    res.status(200).json({ Response: { Error: { Code, Message }, RequestId: randomUUID() } });

  app.use(express.raw({ type: () => true, limit: '1mb' }));
  app.post('/', async (req: Request, res: Response) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const rawQuery = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
    const auth = verifyTc3({ method: req.method, path: req.path, rawQuery, headers: req.headers, rawBody }, { [secretId]: secretKey }, now());
    if (!auth.ok) return fail(res, auth.code, 'The provided credentials could not be validated.');
    if (req.get('x-tc-action') !== 'SendSms') return fail(res, 'InvalidAction', 'The action requested does not exist.');
    if (req.get('x-tc-version') !== '2021-01-11') return fail(res, 'NoSuchVersion', 'The requested version does not exist.');
    if (!windows.take('qps', { max: options.qps ?? 3_000, windowMs: 1_000 }).ok) return fail(res, 'RequestLimitExceeded', 'Your current request times equals to `3000` in a second.');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>;
    } catch {
      return fail(res, 'FailedOperation.FailResolvePacket', 'request packet parse failed');
    }
    const phones = Array.isArray(body.PhoneNumberSet) ? body.PhoneNumberSet.map(String) : [];
    if (phones.length === 0 || phones.length > 200) return fail(res, 'InvalidParameterValue.IncorrectPhoneNumber', 'PhoneNumberSet must hold 1–200 numbers');
    if (body.SmsSdkAppId !== smsSdkAppId) return fail(res, 'InvalidParameterValue.SdkAppIdNotExist', 'SdkAppId not exist');
    if (typeof body.TemplateId !== 'string' || body.TemplateId === '') return fail(res, 'MissingParameter', 'TemplateId is required');
    const sessionContext = typeof body.SessionContext === 'string' ? body.SessionContext : '';
    if (Buffer.byteLength(sessionContext) >= 512) return fail(res, 'InvalidParameterValue', 'SessionContext must be shorter than 512 bytes');
    const params = Array.isArray(body.TemplateParamSet) ? body.TemplateParamSet : [];
    if (params.some((p) => typeof p !== 'string')) return fail(res, 'InvalidParameterValue.TemplateParameterFormatError', 'TemplateParamSet holds strings only');
    const content = createHash('sha256').update(JSON.stringify([body.TemplateId, params])).digest('hex');

    const status = (phone: string, Code: string, Message: string, SerialNo = '') =>
      ({ SerialNo, PhoneNumber: phone, Fee: Code === 'Ok' ? 1 : 0, SessionContext: sessionContext, Code, Message, IsoCode: 'CN' });
    const deliverOne = (phone: string) => {
      const serialNo = `${Math.floor(now() / 1000)}:${randomBytes(8).toString('hex')}`;
      deliveries.record({ key: sessionContext || serialNo, at: now(), to: phone, providerId: serialNo, body });
      // SMS Sending Status Notification (https://www.tencentcloud.com/document/product/382/43547); a failure carries the
      // carrier's status code (UNDELIV: CMPP's "undeliverable")
      receipts?.add(phone, (delivered) => ({
        user_receive_time: beijingClock(now()), nationcode: '86', mobile: phone.replace(/^(?:\+|00)?86(?=1\d{10}$)/u, ''),
        report_status: delivered ? 'SUCCESS' : 'FAIL', errmsg: delivered ? 'DELIVRD' : 'UNDELIV',
        description: delivered ? '用户短信送达成功' : '用户停机或空号', sid: serialNo,
      }));
      return status(phone, 'Ok', 'send success', serialNo);
    };
    const ok = (set: unknown[]) => ({ Response: { SendStatusSet: set, RequestId: randomUUID() } });
    if (await answerFault(faults.take(), req, res, {
      transient: (rule) => (rule.status ? res.status(rule.status).send('Bad Gateway') : fail(res, String(rule.code ?? 'InternalError'), 'internal error')),
      rateLimit: (rule) => res.json(ok(phones.map((p) => status(p, String(rule.code ?? 'LimitExceeded.PhoneNumberThirtySecondLimit'), 'phone number send frequency exceeds the 30-second limit')))),
      permanent: (rule) => fail(res, String(rule.code ?? 'FailedOperation.InsufficientBalanceInSmsPackage'), 'insufficient balance in SMS package'),
      deliver: () => ok(phones.map(deliverOne)),
    })) return;

    const set = phones.map((phone) => {
      if (!E164ISH.test(phone)) return status(phone, 'InvalidParameterValue.IncorrectPhoneNumber', 'incorrect phone number');
      const limits = windows.takeAll(phone, [
        { name: `same:${content}`, max: 1, windowMs: (options.perNumber?.sameContentSeconds ?? 30) * 1000 },
        { name: 'hour', max: options.perNumber?.perHour ?? 5, windowMs: 3_600_000 },
        { name: 'day', max: options.perNumber?.perDay ?? 10, windowMs: 86_400_000 },
      ]);
      if (!limits.ok) {
        const code = limits.name === 'day' ? 'LimitExceeded.PhoneNumberDailyLimit'
          : limits.name === 'hour' ? 'LimitExceeded.PhoneNumberOneHourLimit' : 'LimitExceeded.PhoneNumberThirtySecondLimit';
        return status(phone, code, 'phone number send frequency limit');
      }
      return deliverOne(phone);
    });
    res.json(ok(set));
  });

  return { ...channelFake(parts), secretId, secretKey, smsSdkAppId, receipts };
}
