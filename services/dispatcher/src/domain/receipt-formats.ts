import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '@doitcrm/kit';

/** The providers that push delivery receipts, as the send record names them (`messages.provider`). */
export const RECEIPT_PROVIDERS = { tencent: 'sms_tencent', aliyun: 'sms_aliyun' } as const;
export type ReceiptProvider = (typeof RECEIPT_PROVIDERS)[keyof typeof RECEIPT_PROVIDERS];

/** One receipt item, whichever provider sent it: what the message row and its `callback` trace event take. */
export interface DeliveryReceipt {
  provider: ReceiptProvider;
  /** Tencent `sid` (= SendSms SerialNo), Aliyun `biz_id` (= SendSms BizId) */
  providerMessageId: string;
  /** Aliyun `out_id`: the OutId we sent, our trace id */
  outId: string | null;
  delivered: boolean;
  /** the receipt's own time, ISO 8601 with offset; null when the provider sent none we can read */
  reportedAt: string | null;
  errorCode: string | null;
  error: string | null;
  /** the provider's fields as sent, without the phone number */
  detail: Record<string, unknown>;
  /** sha256 of the item as sent: the same receipt pushed again is the same fingerprint */
  fingerprint: string;
}

/** Both providers write times as Beijing wall-clock `YYYY-MM-DD HH:MM:SS`. */
function beijingTime(text: string | undefined): string | null {
  const match = text ? /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/u.exec(text.trim()) : null;
  if (!match) return null;
  const iso = `${match[1]}T${match[2]}+08:00`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

const fingerprint = (provider: string, item: unknown) => createHash('sha256').update(`${provider}\u0000${JSON.stringify(item)}`).digest('hex');
const text = (max: number) => z.union([z.string(), z.number()]).transform(String).pipe(z.string().max(max));
const optionalText = (max: number) => text(max).optional();

/**
 * Tencent Cloud SMS "SMS Sending Status Notification" (短信下发状态通知,
 * https://www.tencentcloud.com/document/product/382/43547): a JSON array of
 * `{user_receive_time, nationcode, mobile, report_status "SUCCESS"|"FAIL", errmsg, description, sid}`; answered
 * `{"result":0,"errmsg":"OK"}`.
 */
const tencentItem = z.object({
  user_receive_time: optionalText(40),
  nationcode: optionalText(10),
  mobile: optionalText(40),
  report_status: z.enum(['SUCCESS', 'FAIL']),
  errmsg: optionalText(200),
  description: optionalText(500),
  sid: text(200).pipe(z.string().min(1)),
}).loose();

/**
 * Aliyun SMS SmsReport, HTTP batch push (HTTP批量推送, https://help.aliyun.com/zh/sms/developer-reference/smsreport-2):
 * a JSON array of `{phone_number, send_time, report_time, success, err_code, err_msg, sms_size, biz_id, out_id}`;
 * answered `{"code":0,"msg":"成功"}`.
 */
const aliyunItem = z.object({
  phone_number: optionalText(40),
  send_time: optionalText(40),
  report_time: optionalText(40),
  success: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
  err_code: optionalText(200),
  err_msg: optionalText(500),
  sms_size: optionalText(10),
  biz_id: text(200).pipe(z.string().min(1)),
  out_id: optionalText(200),
}).loose();

/** A push holds at most this many items (Aliyun pushes batches; 1,000 is well above what either sends at once). */
export const MAX_RECEIPTS_PER_PUSH = 1_000;

function parseArray<S extends z.ZodType>(schema: S, body: unknown): Array<z.infer<S>> {
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0 || items.length > MAX_RECEIPTS_PER_PUSH) {
    throw new ValidationError(`回执须是 1–${MAX_RECEIPTS_PER_PUSH} 项的 JSON 数组`, [{ field: 'body', message: `${items.length} items` }]);
  }
  return items.map((item, index) => {
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      throw new ValidationError('回执格式不符', parsed.error.issues.map((issue) => ({ field: `${index}.${issue.path.join('.')}`, message: issue.message })));
    }
    return parsed.data;
  });
}

export function parseTencentReceipts(body: unknown): DeliveryReceipt[] {
  return parseArray(tencentItem, body).map((item) => {
    const { mobile: _mobile, nationcode: _nationcode, ...detail } = item;
    const delivered = item.report_status === 'SUCCESS';
    return {
      provider: 'sms_tencent', providerMessageId: item.sid, outId: null, delivered,
      reportedAt: beijingTime(item.user_receive_time),
      errorCode: delivered ? null : item.errmsg ?? null,
      error: delivered ? null : item.description ?? item.errmsg ?? 'FAIL',
      detail, fingerprint: fingerprint('sms_tencent', item),
    };
  });
}

export function parseAliyunReceipts(body: unknown): DeliveryReceipt[] {
  return parseArray(aliyunItem, body).map((item) => {
    const { phone_number: _phone, ...detail } = item;
    return {
      provider: 'sms_aliyun', providerMessageId: item.biz_id, outId: item.out_id || null, delivered: item.success,
      reportedAt: beijingTime(item.report_time),
      errorCode: item.success ? null : item.err_code ?? null,
      error: item.success ? null : item.err_msg ?? item.err_code ?? 'FAIL',
      detail, fingerprint: fingerprint('sms_aliyun', item),
    };
  });
}
