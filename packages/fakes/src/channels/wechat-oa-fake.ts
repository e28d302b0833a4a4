import { randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { answerFault, channelFake, channelFakeParts, type ChannelFake } from './channel-fake-base.ts';

export interface WechatOaFakeOptions {
  appId?: string;
  appSecret?: string;
  /** template ids added to the account; default: any */
  templates?: readonly string[];
  /** openids that follow the account; others answer 43004. Default: any openid follows */
  followers?: readonly string[];
  /** template sends a day before 45009; default 100,000 */
  dailyLimit?: number;
  tokenTtlSeconds?: number;
  now?: () => number;
}

export interface WechatOaFake extends ChannelFake {
  appId: string;
  appSecret: string;
  revokeTokens(): void;
}

/** `client_msg_id` keeps one message per openid for 10 minutes (the template message send docs). */
const CLIENT_MSG_ID_TTL_MS = 10 * 60_000;

const ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system error', 40001: 'invalid credential, access_token is invalid or not latest', 40003: 'invalid openid',
  40013: 'invalid appid', 40037: 'invalid template_id', 40125: 'invalid appsecret', 41001: 'access_token missing',
  42001: 'access_token expired', 43004: 'require subscribe', 45009: 'reach max api daily quota limit', 47003: 'argument invalid!',
};

/**
 * WeChat Official Account template messages (`POST /cgi-bin/message/template/send`, token from `GET /cgi-bin/token`):
 * HTTP 200 `{errcode, errmsg, msgid}`. A repeat with the same `client_msg_id` for the same openid within 10 minutes
 * is answered without a second delivery, as the docs promise; deliveries are counted by client_msg_id (msgid without).
 */
export function createWechatOaFake(options: WechatOaFakeOptions = {}): WechatOaFake {
  const parts = channelFakeParts(options.now);
  const { app, faults, deliveries, windows, now } = parts;
  const appId = options.appId ?? `wx${randomBytes(8).toString('hex')}`;
  const appSecret = options.appSecret ?? randomBytes(16).toString('hex');
  const tokens = new Map<string, number>();
  const sent = new Map<string, { until: number; msgid: number }>();
  let nextMsgId = 200_228_332;

  const reply = (res: Response, errcode: number, fields: Record<string, unknown> = {}) =>
    res.status(200).json({ errcode, errmsg: errcode === 0 ? 'ok' : `${ERRMSG[errcode] ?? 'error'} rid: ${randomBytes(12).toString('hex')}`, ...fields });

  app.use('/cgi-bin', express.json({ type: () => true, limit: '1mb' }));
  app.get('/cgi-bin/token', (req: Request, res: Response) => {
    if (req.query.grant_type !== 'client_credential') return reply(res, 40002);
    if (req.query.appid !== appId) return reply(res, 40013);
    if (req.query.secret !== appSecret) return reply(res, 40125);
    const token = randomBytes(64).toString('base64url');
    const ttl = options.tokenTtlSeconds ?? 7200;
    // a new token invalidates the old one after a short overlap (the docs: 5 minutes); the fake drops it at once
    tokens.clear();
    tokens.set(token, now() + ttl * 1000);
    res.json({ access_token: token, expires_in: ttl });
  });

  app.post('/cgi-bin/message/template/send', async (req: Request, res: Response) => {
    const token = typeof req.query.access_token === 'string' ? req.query.access_token : '';
    if (!token) return reply(res, 41001);
    const expiry = tokens.get(token);
    if (expiry === undefined) return reply(res, 40001);
    if (expiry <= now()) return reply(res, 42001);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const openid = typeof body.touser === 'string' ? body.touser : '';
    const templateId = typeof body.template_id === 'string' ? body.template_id : '';
    const clientMsgId = typeof body.client_msg_id === 'string' && body.client_msg_id !== '' ? body.client_msg_id : null;
    const deliver = () => {
      const msgid = nextMsgId++;
      deliveries.record({ key: clientMsgId ?? String(msgid), at: now(), to: openid, providerId: String(msgid), body });
      if (clientMsgId) sent.set(`${openid}\u0000${clientMsgId}`, { until: now() + CLIENT_MSG_ID_TTL_MS, msgid });
      return { errcode: 0, errmsg: 'ok', msgid };
    };
    if (await answerFault(faults.take(), req, res, {
      transient: (rule) => (rule.status ? void res.status(rule.status).end() : void reply(res, Number(rule.code ?? -1))),
      rateLimit: (rule) => void reply(res, Number(rule.code ?? 45009)),
      permanent: (rule) => void reply(res, Number(rule.code ?? 43004)),
      deliver,
    })) return;
    if (!/^[\w-]{6,64}$/.test(openid)) return reply(res, 40003);
    if (!templateId || (options.templates && !options.templates.includes(templateId))) return reply(res, 40037);
    const data = body.data;
    if (data !== undefined && (typeof data !== 'object' || data === null
      || Object.values(data).some((v) => typeof v !== 'object' || v === null || typeof (v as { value?: unknown }).value !== 'string'))) {
      return reply(res, 47003);
    }
    if (options.followers && !options.followers.includes(openid)) return reply(res, 43004);
    const previous = clientMsgId ? sent.get(`${openid}\u0000${clientMsgId}`) : undefined;
    if (previous && previous.until > now()) {
      deliveries.deduplicate();
      return reply(res, 0, { msgid: previous.msgid });
    }
    if (!windows.take('daily', { max: options.dailyLimit ?? 100_000, windowMs: 86_400_000 }).ok) return reply(res, 45009);
    res.json(deliver());
  });

  return { ...channelFake(parts, () => sent.clear()), appId, appSecret, revokeTokens: () => tokens.clear() };
}
