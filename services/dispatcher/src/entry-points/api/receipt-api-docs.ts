import { z } from 'zod';
import type { ApiRoute } from '@doitcrm/kit';
import { MAX_RECEIPTS_PER_PUSH } from '../../domain/receipt-formats.ts';
import { RECEIPT_JSON_LIMIT } from './receipt-routes.ts';

const tokenQuery = z.object({ token: z.string().describe('DISPATCH_RECEIPT_TOKEN, as set in the provider console\'s callback URL') });
const common = {
  400: { description: 'not a JSON array of this provider\'s receipt items (the item and field named)' },
  401: { description: 'token missing or wrong; nothing is stored' },
  404: { description: 'receipts are off: DISPATCH_RECEIPT_TOKEN is not set' },
  413: { description: `body past ${RECEIPT_JSON_LIMIT}` },
};
const HOW = `Each item is stored once (a replayed item changes nothing) and matched to the sent message by the provider's id; `
  + `an id we never sent is counted (metric dispatch_receipts_total{outcome="unknown"}) and still answered OK, so the provider stops pushing it. `
  + `At most ${MAX_RECEIPTS_PER_PUSH} items a push.`;

/** The receipt routes as /docs lists them: public (no session), authenticated by the URL's token. */
export const receiptApiRoutes: ApiRoute[] = [
  {
    method: 'post', path: '/receipts/sms/tencent', public: true, query: tokenQuery,
    summary: 'Tencent Cloud SMS status callback (短信下发状态回调): JSON array of {user_receive_time, nationcode, mobile, report_status, errmsg, description, sid}',
    description: `sid is the SerialNo SendSms answered. ${HOW}`,
    responses: { 200: { description: 'taken: `{"result":0,"errmsg":"OK"}`', schema: z.object({ result: z.literal(0), errmsg: z.literal('OK') }) }, ...common },
  },
  {
    method: 'post', path: '/receipts/sms/aliyun', public: true, query: tokenQuery,
    summary: 'Aliyun SMS SmsReport (HTTP batch push): JSON array of {phone_number, send_time, report_time, success, err_code, err_msg, sms_size, biz_id, out_id}',
    description: `biz_id is the BizId SendSms answered; out_id is the OutId we sent (the trace id) and must match. ${HOW}`,
    responses: { 200: { description: 'taken: `{"code":0,"msg":"成功"}`', schema: z.object({ code: z.literal(0), msg: z.literal('成功') }) }, ...common },
  },
];
