import { createHmac, randomUUID } from 'node:crypto';
import { ChannelError, untilNextBeijingDay } from '../channel-error.ts';
import type { ChannelAdapter, OutgoingMessage, SendResult } from '../channel-types.ts';
import { callHttp, httpStatusError } from '../http-call.ts';

export interface AliyunSmsOptions {
  /** `https://dysmsapi.aliyuncs.com` for the real service */
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
}

const percentEncode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** RPC signature v1 (https://help.aliyun.com/document_detail/315526.html), over every parameter of the form body. */
function signRpc(params: Record<string, string>, secret: string): string {
  const canonical = Object.keys(params).sort().map((k) => `${percentEncode(k)}=${percentEncode(params[k]!)}`).join('&');
  return createHmac('sha1', `${secret}&`).update(`POST&${percentEncode('/')}&${percentEncode(canonical)}`).digest('base64');
}

/** Codes about the number, not the account: another provider would fail the same way (or must not be used to dodge the limit). */
const RECIPIENT_CODES = new Set(['isv.MOBILE_NUMBER_ILLEGAL', 'isv.BLACK_KEY_CONTROL_LIMIT', 'isv.BUSINESS_LIMIT_CONTROL', 'isv.DENY_IP_RANGE']);

/** How long Aliyun's flow control lasts, read from its message ("触发分钟级流控Permits:1"). */
function limitWindowMs(code: string, message: string, now: number): number {
  if (code === 'isv.DAY_LIMIT_CONTROL' || message.includes('天级')) return untilNextBeijingDay(now);
  if (code === 'isv.MONTH_LIMIT_CONTROL') return 30 * 86_400_000;
  if (message.includes('小时级')) return 3_600_000;
  return 60_000;
}

export function classifyAliyunCode(code: string, message: string, now = Date.now()): ChannelError {
  const base = { channel: 'sms_aliyun' as const, code, message, recipient: RECIPIENT_CODES.has(code) };
  if (code === 'isv.BUSINESS_LIMIT_CONTROL' || code === 'isv.DAY_LIMIT_CONTROL' || code === 'isv.MONTH_LIMIT_CONTROL') {
    return new ChannelError({ ...base, kind: 'rate-limited', retryAfterMs: limitWindowMs(code, message, now) });
  }
  if (code.startsWith('Throttling')) return new ChannelError({ ...base, kind: 'rate-limited', retryAfterMs: 1_000 });
  // isp.* are Aliyun's own faults; SignatureNonceUsed only means this attempt's nonce repeated, a new attempt gets a new one
  if (code.startsWith('isp.') && code !== 'isp.RAM_PERMISSION_DENY') return new ChannelError({ ...base, kind: 'transient' });
  if (code === 'ServiceUnavailable' || code === 'InternalError' || code === 'SignatureNonceUsed') return new ChannelError({ ...base, kind: 'transient' });
  return new ChannelError({ ...base, kind: 'permanent' });
}

/**
 * Aliyun SMS `SendSms` (RPC 2017-05-25). SendSms is not idempotent; our message id travels as `OutId`, which
 * Aliyun echoes in delivery receipts, so a receipt tells whether a timed-out attempt was sent before it is retried.
 */
export function createAliyunSmsAdapter(options: AliyunSmsOptions): ChannelAdapter {
  const now = options.now ?? Date.now;
  return {
    channel: 'sms_aliyun',
    async send(message: OutgoingMessage): Promise<SendResult> {
      if (!message.template) throw new ChannelError({ channel: 'sms_aliyun', kind: 'permanent', code: 'no-template', message: 'Aliyun SMS sends approved templates only' });
      const params: Record<string, string> = {
        AccessKeyId: options.accessKeyId,
        Action: 'SendSms',
        Format: 'JSON',
        OutId: message.id,
        PhoneNumbers: message.to,
        SignName: options.signName,
        SignatureMethod: 'HMAC-SHA1',
        SignatureNonce: randomUUID(),
        SignatureVersion: '1.0',
        TemplateCode: message.template.id,
        TemplateParam: JSON.stringify(message.template.params),
        Timestamp: new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        Version: '2017-05-25',
      };
      params.Signature = signRpc(params, options.accessKeySecret);
      const answer = await callHttp('sms_aliyun', `${options.endpoint.replace(/\/$/, '')}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(params).toString(),
      }, options.timeoutMs, options.fetch);
      const body = answer.json as { Code?: string; Message?: string; BizId?: string } | null;
      if (!body?.Code) throw httpStatusError('sms_aliyun', answer);
      if (body.Code === 'OK' && body.BizId) return { providerMessageId: body.BizId };
      throw classifyAliyunCode(body.Code, body.Message ?? '', now());
    },
  };
}
