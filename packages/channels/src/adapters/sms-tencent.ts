import { createHash, createHmac } from 'node:crypto';
import { ChannelError, untilNextBeijingDay } from '../channel-error.ts';
import type { ChannelAdapter, OutgoingMessage, SendResult } from '../channel-types.ts';
import { callHttp, httpStatusError } from '../http-call.ts';

export interface TencentSmsOptions {
  /** `https://sms.tencentcloudapi.com` for the real service */
  endpoint: string;
  secretId: string;
  secretKey: string;
  smsSdkAppId: string;
  signName: string;
  region: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest();

/** TC3-HMAC-SHA256 (https://cloud.tencent.com/document/api/382/52072) over content-type and host. */
function tc3Authorization(o: { secretId: string; secretKey: string; host: string; body: string; timestamp: number }): string {
  const date = new Date(o.timestamp * 1000).toISOString().slice(0, 10);
  const canonical = ['POST', '/', '', `content-type:application/json; charset=utf-8\nhost:${o.host}\n`, 'content-type;host', sha256(o.body)].join('\n');
  const toSign = ['TC3-HMAC-SHA256', String(o.timestamp), `${date}/sms/tc3_request`, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(`TC3${o.secretKey}`, date), 'sms'), 'tc3_request');
  return `TC3-HMAC-SHA256 Credential=${o.secretId}/${date}/sms/tc3_request, SignedHeaders=content-type;host, Signature=${createHmac('sha256', key).update(toSign).digest('hex')}`;
}

const RECIPIENT_CODES = /^(InvalidParameterValue\.IncorrectPhoneNumber|FailedOperation\.PhoneNumberInBlacklist|FailedOperation\.PhoneNumberOnBlacklist|LimitExceeded\.PhoneNumber.*|FailedOperation\.ContainSensitiveWord)$/;

export function classifyTencentCode(code: string, message: string, now = Date.now()): ChannelError {
  const base = { channel: 'sms_tencent' as const, code, message, recipient: RECIPIENT_CODES.test(code) };
  if (code === 'LimitExceeded.PhoneNumberThirtySecondLimit') return new ChannelError({ ...base, kind: 'rate-limited', retryAfterMs: 30_000 });
  if (code === 'LimitExceeded.PhoneNumberOneHourLimit') return new ChannelError({ ...base, kind: 'rate-limited', retryAfterMs: 3_600_000 });
  if (code.startsWith('LimitExceeded.')) return new ChannelError({ ...base, kind: 'rate-limited', retryAfterMs: untilNextBeijingDay(now) });
  if (code.startsWith('RequestLimitExceeded')) return new ChannelError({ ...base, kind: 'rate-limited', retryAfterMs: 1_000 });
  // InternalError.Timeout ("请求下发短信超时") may or may not have gone out
  if (code.startsWith('InternalError')) return new ChannelError({ ...base, kind: 'transient', ambiguous: code === 'InternalError.Timeout' });
  if (code === 'AuthFailure.SignatureExpire') return new ChannelError({ ...base, kind: 'transient' });
  return new ChannelError({ ...base, kind: 'permanent' });
}

interface TencentAnswer {
  Response?: {
    Error?: { Code: string; Message: string };
    SendStatusSet?: { SerialNo: string; PhoneNumber: string; Code: string; Message: string; SessionContext?: string }[];
  };
}

/**
 * Tencent Cloud SMS `SendSms` (2021-01-11), one number per call. Tencent does not deduplicate; our message id
 * travels as `SessionContext`, echoed in the answer and in delivery receipts, so a timed-out attempt can be matched.
 */
export function createTencentSmsAdapter(options: TencentSmsOptions): ChannelAdapter {
  const now = options.now ?? Date.now;
  const url = new URL(options.endpoint);
  return {
    channel: 'sms_tencent',
    async send(message: OutgoingMessage): Promise<SendResult> {
      if (!message.template) throw new ChannelError({ channel: 'sms_tencent', kind: 'permanent', code: 'no-template', message: 'Tencent SMS sends approved templates only' });
      const body = JSON.stringify({
        PhoneNumberSet: [message.to],
        SmsSdkAppId: options.smsSdkAppId,
        SignName: options.signName,
        TemplateId: message.template.id,
        TemplateParamSet: Object.values(message.template.params),
        SessionContext: message.id,
      });
      const timestamp = Math.floor(now() / 1000);
      const answer = await callHttp('sms_tencent', url.toString(), {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          authorization: tc3Authorization({ secretId: options.secretId, secretKey: options.secretKey, host: url.hostname, body, timestamp }),
          'x-tc-action': 'SendSms',
          'x-tc-version': '2021-01-11',
          'x-tc-timestamp': String(timestamp),
          'x-tc-region': options.region,
        },
        body,
      }, options.timeoutMs, options.fetch);
      const response = (answer.json as TencentAnswer | null)?.Response;
      if (answer.status !== 200 || !response) throw httpStatusError('sms_tencent', answer);
      if (response.Error) throw classifyTencentCode(response.Error.Code, response.Error.Message, now());
      const status = response.SendStatusSet?.[0];
      if (!status) throw new ChannelError({ channel: 'sms_tencent', kind: 'transient', code: 'no-status', message: 'answer without SendStatusSet', ambiguous: true });
      if (status.Code === 'Ok') return { providerMessageId: status.SerialNo };
      throw classifyTencentCode(status.Code, status.Message, now());
    },
  };
}
