import { createHmac } from 'node:crypto';
import { ChannelError } from '../channel-error.ts';
import type { ChannelAdapter, OutgoingMessage, SendResult } from '../channel-types.ts';
import { callHttp, httpStatusError } from '../http-call.ts';

export interface FeishuBotOptions {
  /** `https://open.feishu.cn/open-apis/bot/v2/hook/<token>` */
  webhookUrl: string;
  /** the bot's 签名校验 secret; without it the bot must have signing off */
  secret?: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export function classifyFeishuBotCode(code: number, msg: string): ChannelError {
  const base = { channel: 'feishu_bot' as const, code: String(code), message: msg };
  // 100 a minute and 5 a second per bot; the answer does not say which was hit
  if (code === 11232) return new ChannelError({ ...base, kind: 'rate-limited', retryAfterMs: 10_000 });
  // 19021 is a wrong secret or a clock more than an hour off; 19024 the bot's keywords; 19001 a removed bot
  return new ChannelError({ ...base, kind: 'permanent' });
}

/**
 * A Feishu custom bot, signed: `sign` = base64 HMAC-SHA256 keyed by `timestamp\nsecret` over nothing. Custom bots
 * take no idempotency key: a retry after a timeout may post twice.
 */
export function createFeishuBotAdapter(options: FeishuBotOptions): ChannelAdapter {
  const now = options.now ?? Date.now;
  return {
    channel: 'feishu_bot',
    async send(message: OutgoingMessage): Promise<SendResult> {
      const timestamp = String(Math.floor(now() / 1000));
      const signature = options.secret
        ? { timestamp, sign: createHmac('sha256', `${timestamp}\n${options.secret}`).update('').digest('base64') }
        : {};
      const text = message.subject ? `${message.subject}\n${message.text}` : message.text;
      const answer = await callHttp('feishu_bot', options.webhookUrl, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...signature, msg_type: 'text', content: { text } }),
      }, options.timeoutMs, options.fetch);
      // a gateway's 5xx or 429 may carry a business-looking code; the status decides
      if (answer.status >= 500 || answer.status === 429) throw httpStatusError('feishu_bot', answer);
      const body = answer.json as { code?: number; msg?: string; StatusCode?: number } | null;
      const code = body?.code ?? body?.StatusCode;
      if (typeof code !== 'number') throw httpStatusError('feishu_bot', answer);
      if (code !== 0) throw classifyFeishuBotCode(code, body?.msg ?? '');
      return { providerMessageId: message.id };
    },
  };
}
