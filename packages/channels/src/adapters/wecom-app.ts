import { AccessToken, sendWithFreshToken } from '../access-token.ts';
import { ChannelError } from '../channel-error.ts';
import type { ChannelAdapter, OutgoingMessage, SendResult } from '../channel-types.ts';
import { callHttp, httpStatusError } from '../http-call.ts';

export interface WecomAppOptions {
  /** `https://qyapi.weixin.qq.com` */
  baseUrl: string;
  corpId: string;
  /** the sending app's secret (not the customer-contact one) */
  secret: string;
  agentId: number;
  /**
   * WeCom drops a message whose JSON equals one sent within this many seconds (0 turns the check off; max 14,400).
   * It makes a retry after a timeout safe, and also suppresses a genuinely repeated identical text to the same member
   * within the window.
   */
  duplicateCheckSeconds: number;
  timeoutMs: number;
  fetch?: typeof fetch;
}

const TOKEN_REJECTED = new Set([40014, 42001, 40001]);

export function classifyWecomErrcode(channel: 'wecom_app' | 'wecom_robot', errcode: number, errmsg: string): ChannelError {
  const base = { channel, code: String(errcode), message: errmsg };
  if (errcode === -1) return new ChannelError({ ...base, kind: 'transient' });
  // the interception lasts as long as the window broken; the minute window is the one sends hit
  if (errcode === 45009 || errcode === 130101) return new ChannelError({ ...base, kind: 'rate-limited', retryAfterMs: 60_000 });
  if (errcode === 45033) return new ChannelError({ ...base, kind: 'rate-limited', retryAfterMs: 1_000 });
  const recipient = errcode === 81013 || errcode === 40003 || errcode === 60111;
  return new ChannelError({ ...base, kind: 'permanent', recipient });
}

/**
 * WeCom app messages (`message/send`) to one member, with WeCom's duplicate check keyed by the whole request (the
 * text carries nothing of ours, so the check compares content: see `duplicateCheckSeconds`). Members over WeCom's
 * 30/min are dropped silently by WeCom; the dispatcher's own per-recipient limit must stay below it.
 */
export function createWecomAppAdapter(options: WecomAppOptions): ChannelAdapter {
  const base = options.baseUrl.replace(/\/$/, '');
  const token = new AccessToken(async () => {
    const query = new URLSearchParams({ corpid: options.corpId, corpsecret: options.secret });
    const answer = await callHttp('wecom_app', `${base}/cgi-bin/gettoken?${query}`, { method: 'GET' }, options.timeoutMs, options.fetch);
    const body = answer.json as { errcode?: number; errmsg?: string; access_token?: string; expires_in?: number } | null;
    if (!body || typeof body.errcode !== 'number') throw httpStatusError('wecom_app', answer);
    if (body.errcode !== 0 || !body.access_token) throw classifyWecomErrcode('wecom_app', body.errcode, body.errmsg ?? '');
    return { value: body.access_token, expiresInSeconds: body.expires_in ?? 7200 };
  });

  async function attempt(message: OutgoingMessage, accessToken: string): Promise<SendResult | 'token-rejected'> {
    const payload = {
      touser: message.to,
      msgtype: 'text',
      agentid: options.agentId,
      text: { content: message.text },
      ...(options.duplicateCheckSeconds > 0 ? { enable_duplicate_check: 1, duplicate_check_interval: options.duplicateCheckSeconds } : {}),
    };
    const answer = await callHttp('wecom_app', `${base}/cgi-bin/message/send?access_token=${encodeURIComponent(accessToken)}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload),
    }, options.timeoutMs, options.fetch);
    const body = answer.json as { errcode?: number; errmsg?: string; msgid?: string; invaliduser?: string } | null;
    if (!body || typeof body.errcode !== 'number') throw httpStatusError('wecom_app', answer);
    if (TOKEN_REJECTED.has(body.errcode)) return 'token-rejected';
    if (body.errcode !== 0) throw classifyWecomErrcode('wecom_app', body.errcode, body.errmsg ?? '');
    if (body.invaliduser && body.invaliduser.split('|').includes(message.to.toLowerCase())) {
      throw new ChannelError({ channel: 'wecom_app', kind: 'permanent', code: 'invaliduser', message: `${message.to} is not a member the app can reach`, recipient: true });
    }
    return { providerMessageId: body.msgid ?? '' };
  }

  return {
    channel: 'wecom_app',
    async send(message) {
      return sendWithFreshToken('wecom_app', 'WeCom', token, (accessToken) => attempt(message, accessToken));
    },
  };
}
