import { AccessToken, sendWithFreshToken } from '../access-token.ts';
import { ChannelError, untilNextBeijingDay } from '../channel-error.ts';
import type { ChannelAdapter, OutgoingMessage, SendResult } from '../channel-types.ts';
import { callHttp, httpStatusError } from '../http-call.ts';

export interface WechatOaOptions {
  /** `https://api.weixin.qq.com` */
  baseUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

const TOKEN_REJECTED = new Set([40001, 40014, 42001]);
/** the follower cannot receive it: unsubscribed, refused template messages, not an openid of this account */
const RECIPIENT = new Set([40003, 43004, 43101]);

export function classifyWechatErrcode(errcode: number, errmsg: string, now = Date.now()): ChannelError {
  const base = { channel: 'wechat_oa' as const, code: String(errcode), message: errmsg };
  if (errcode === -1) return new ChannelError({ ...base, kind: 'transient' });
  // 45009 for template messages is the account's daily quota
  if (errcode === 45009) return new ChannelError({ ...base, kind: 'rate-limited', retryAfterMs: untilNextBeijingDay(now) });
  return new ChannelError({ ...base, kind: 'permanent', recipient: RECIPIENT.has(errcode) });
}

/**
 * WeChat Official Account template messages. Our message id is the `client_msg_id`: WeChat keeps one message per
 * openid and client_msg_id for 10 minutes, so a retry after a timeout within that time is not sent twice.
 */
export function createWechatOaAdapter(options: WechatOaOptions): ChannelAdapter {
  const base = options.baseUrl.replace(/\/$/, '');
  const token = new AccessToken(async () => {
    const query = new URLSearchParams({ grant_type: 'client_credential', appid: options.appId, secret: options.appSecret });
    const answer = await callHttp('wechat_oa', `${base}/cgi-bin/token?${query}`, { method: 'GET' }, options.timeoutMs, options.fetch);
    const body = answer.json as { errcode?: number; errmsg?: string; access_token?: string; expires_in?: number } | null;
    if (!body) throw httpStatusError('wechat_oa', answer);
    if (!body.access_token) throw classifyWechatErrcode(body.errcode ?? 0, body.errmsg ?? 'no access_token');
    return { value: body.access_token, expiresInSeconds: body.expires_in ?? 7200 };
  });

  async function attempt(message: OutgoingMessage, accessToken: string): Promise<SendResult | 'token-rejected'> {
    const template = message.template!;
    const payload = {
      touser: message.to,
      template_id: template.id,
      ...(message.url ? { url: message.url } : {}),
      data: Object.fromEntries(Object.entries(template.params).map(([k, value]) => [k, { value }])),
      client_msg_id: message.id,
    };
    const answer = await callHttp('wechat_oa', `${base}/cgi-bin/message/template/send?access_token=${encodeURIComponent(accessToken)}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload),
    }, options.timeoutMs, options.fetch);
    const body = answer.json as { errcode?: number; errmsg?: string; msgid?: number | string } | null;
    if (!body || typeof body.errcode !== 'number') throw httpStatusError('wechat_oa', answer);
    if (TOKEN_REJECTED.has(body.errcode)) return 'token-rejected';
    if (body.errcode !== 0) throw classifyWechatErrcode(body.errcode, body.errmsg ?? '');
    return { providerMessageId: String(body.msgid ?? '') };
  }

  return {
    channel: 'wechat_oa',
    async send(message) {
      if (!message.template) throw new ChannelError({ channel: 'wechat_oa', kind: 'permanent', code: 'no-template', message: 'WeChat OA sends template messages only' });
      return sendWithFreshToken('wechat_oa', 'WeChat', token, (accessToken) => attempt(message, accessToken));
    },
  };
}
