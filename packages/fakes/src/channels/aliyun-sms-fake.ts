import { randomBytes, randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { answerFault, channelFake, channelFakeParts, type ChannelFake } from './channel-fake-base.ts';
import { acs3KeyId, verifyAcs3, verifyRpcV1 } from './aliyun-signature.ts';
import { beijingClock, createReceiptPusher, type ReceiptPusher, type ReceiptPushOptions } from './receipt-pusher.ts';
import type { WindowLimit } from './window-limit.ts';

export interface AliyunSmsFakeOptions {
  accessKeyId?: string;
  accessKeySecret?: string;
  /** approved sign names; default: any */
  signNames?: readonly string[];
  /** approved template codes with their variable names; default: any code, any variables */
  templates?: Readonly<Record<string, readonly string[]>>;
  /**
   * per phone number and sign name (isv.BUSINESS_LIMIT_CONTROL); default the verification-code defaults of the
   * console, 1/min, 5/h, 10/day (help.aliyun.com/document_detail/101347)
   */
  perNumber?: { minute?: number; hour?: number; day?: number };
  /** requests per second for the account before `Throttling.User`; default 5,000 (the documented QPS) */
  qps?: number;
  /** push SmsReport delivery receipts for every accepted send (the console's HTTP batch push); default none */
  receipts?: ReceiptPushOptions;
  now?: () => number;
}

export interface AliyunSmsFake extends ChannelFake {
  accessKeyId: string;
  accessKeySecret: string;
  /** the receipt pusher, when `receipts` was given */
  receipts: ReceiptPusher | null;
}

const MOBILE = /^(?:\+?86)?1\d{10}$|^\+?\d{6,15}$/;

/**
 * Aliyun SMS `SendSms` (RPC, Version 2017-05-25) as dysmsapi.aliyuncs.com answers it: business results are HTTP 200
 * `{Code, Message, BizId, RequestId}`; signature, key and throttling errors are HTTP 4xx. SendSms is not idempotent:
 * every accepted call is a delivery, counted by `OutId` (by BizId without one) so repeats show as duplicates.
 */
export function createAliyunSmsFake(options: AliyunSmsFakeOptions = {}): AliyunSmsFake {
  const parts = channelFakeParts(options.now);
  const { app, faults, deliveries, windows, now } = parts;
  const accessKeyId = options.accessKeyId ?? `LTAI${randomBytes(10).toString('hex')}`;
  const accessKeySecret = options.accessKeySecret ?? randomBytes(15).toString('base64url');
  const usedNonces = new Map<string, number>();
  const receipts = options.receipts ? createReceiptPusher(options.receipts) : null;
  const perNumber: { name: string; label: string; limit: WindowLimit }[] = [
    { name: 'minute', label: '分钟级', limit: { max: options.perNumber?.minute ?? 1, windowMs: 60_000 } },
    { name: 'hour', label: '小时级', limit: { max: options.perNumber?.hour ?? 5, windowMs: 3_600_000 } },
    { name: 'day', label: '天级', limit: { max: options.perNumber?.day ?? 10, windowMs: 86_400_000 } },
  ];

  const answer = (res: Response, status: number, Code: string, Message: string, extra: Record<string, unknown> = {}) =>
    res.status(status).json({ RequestId: randomUUID().toUpperCase(), Message, Code, ...extra });

  app.use(express.raw({ type: () => true, limit: '1mb' }));
  app.all('/', async (req: Request, res: Response) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const query = Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, String(v)]));
    const form = Object.fromEntries(new URLSearchParams(rawBody.toString('utf8')));
    const params: Record<string, string> = { ...query, ...form };

    const acs3Key = acs3KeyId(req.get('authorization'));
    const keyId = acs3Key ?? params.AccessKeyId;
    if (keyId !== accessKeyId) return answer(res, 404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    const signed = acs3Key
      ? verifyAcs3({ method: req.method, path: req.path, query, headers: req.headers, rawBody }, accessKeySecret)
      : verifyRpcV1(req.method, params, accessKeySecret);
    if (!signed) return answer(res, 400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
    const nonce = acs3Key ? req.get('x-acs-signature-nonce') : params.SignatureNonce;
    if (nonce) {
      for (const [n, at] of usedNonces) if (at < now() - 900_000) usedNonces.delete(n);
      if (usedNonces.has(nonce)) return answer(res, 400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
      usedNonces.set(nonce, now());
    }
    const action = acs3Key ? req.get('x-acs-action') : params.Action;
    if (action !== 'SendSms') return answer(res, 404, 'InvalidAction.NotFound', `Specified api is not found, please check your url and method.`);
    if (!windows.take('qps', { max: options.qps ?? 5_000, windowMs: 1_000 }).ok) {
      return answer(res, 400, 'Throttling.User', 'Request was denied due to user flow control.');
    }

    const phones = (params.PhoneNumbers ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    const outId = params.OutId;
    const deliver = () => {
      const bizId = `${Math.floor(now() / 1000)}${randomBytes(4).readUInt32BE()}^0`;
      const sentAt = now();
      for (const phone of phones) {
        deliveries.record({ key: outId ?? bizId, at: sentAt, to: phone, providerId: bizId, body: params });
        // SmsReport, HTTP batch push (https://help.aliyun.com/zh/sms/developer-reference/smsreport-2); a failure carries
        // the carrier's status code, passed through by Aliyun (UNDELIV: CMPP's "undeliverable")
        receipts?.add(phone, (delivered) => ({
          phone_number: phone, send_time: beijingClock(sentAt), report_time: beijingClock(now()), success: delivered,
          err_code: delivered ? 'DELIVERED' : 'UNDELIV', err_msg: delivered ? '用户接收成功' : '用户停机或空号', sms_size: '1', biz_id: bizId, out_id: outId ?? '',
        }));
      }
      return { RequestId: randomUUID().toUpperCase(), Message: 'OK', BizId: bizId, Code: 'OK' };
    };
    const injected = faults.take();
    if (await answerFault(injected, req, res, {
      transient: (rule) => (rule.status
        ? answer(res, rule.status, 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.')
        : answer(res, 200, String(rule.code ?? 'isp.SYSTEM_ERROR'), 'isp.SYSTEM_ERROR')),
      rateLimit: (rule) => answer(res, 200, String(rule.code ?? 'isv.BUSINESS_LIMIT_CONTROL'), '触发分钟级流控Permits:1'),
      permanent: (rule) => answer(res, 200, String(rule.code ?? 'isv.AMOUNT_NOT_ENOUGH'), '账户余额不足'),
      deliver,
    })) return;

    if (phones.length === 0 || phones.length > 1000 || phones.some((p) => !MOBILE.test(p))) {
      return answer(res, 200, 'isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
    }
    const signName = params.SignName ?? '';
    if (!signName || (options.signNames && !options.signNames.includes(signName))) return answer(res, 200, 'isv.SMS_SIGNATURE_ILLEGAL', '签名不合法');
    const template = options.templates?.[params.TemplateCode ?? ''];
    if (!params.TemplateCode || (options.templates && !template)) return answer(res, 200, 'isv.SMS_TEMPLATE_ILLEGAL', '模板不合法');
    let variables: Record<string, unknown> = {};
    if (params.TemplateParam) {
      try {
        variables = JSON.parse(params.TemplateParam) as Record<string, unknown>;
      } catch {
        return answer(res, 200, 'isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
      }
      if (typeof variables !== 'object' || variables === null || Object.values(variables).some((v) => typeof v !== 'string')) {
        return answer(res, 200, 'isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
      }
    }
    if (template?.some((name) => !(name in variables))) return answer(res, 200, 'isv.TEMPLATE_MISSING_PARAMETERS', '模板缺少变量');
    for (const phone of phones) {
      const taken = windows.takeAll(`${signName}\u0000${phone}`, perNumber.map(({ name, limit }) => ({ name, ...limit })));
      if (!taken.ok) {
        const { label, limit } = perNumber.find((p) => p.name === taken.name)!;
        return answer(res, 200, 'isv.BUSINESS_LIMIT_CONTROL', `触发${label}流控Permits:${limit.max}`);
      }
    }
    res.status(200).json(deliver());
  });

  return { ...channelFake(parts, () => usedNonces.clear()), accessKeyId, accessKeySecret, receipts };
}
