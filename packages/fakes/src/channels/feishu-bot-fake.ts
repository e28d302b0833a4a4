import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { answerFault, channelFake, channelFakeParts, type ChannelFake } from './channel-fake-base.ts';

export interface FeishuBotFakeOptions {
  /** hook token (the last path segment of the webhook URL) → its signing secret, or null for a bot without one */
  bots?: Readonly<Record<string, string | null>>;
  /** keywords the bot's security settings require (one must appear in the message); default none */
  keywords?: readonly string[];
  /** the documented custom-bot limits: 100 per minute and 5 per second per bot */
  perMinute?: number;
  perSecond?: number;
  now?: () => number;
}

export interface FeishuBotFake extends ChannelFake {
  /** hook token and secret of the default signed bot */
  hookToken: string;
  secret: string;
}

/** A signed request is accepted within an hour of its timestamp (error 19021 says so). */
const SIGN_WINDOW_S = 3600;
/** Request bodies above 20 KB are refused. */
const MAX_BODY_BYTES = 20 * 1024;

/** Feishu's custom-bot signature: HMAC-SHA256 keyed by `timestamp\nsecret` over an empty message, base64. */
export function feishuBotSign(timestamp: string, secret: string): string {
  return createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
}

/**
 * Feishu custom bot webhooks (`POST /open-apis/bot/v2/hook/:token`): `{code, msg, data}` (code 0 = sent), with the
 * signature check (19021), keyword check (19024), frequency limit (11232) and body-size limit of the real service.
 * No dedupe: every accepted call is a delivery, counted per body.
 */
export function createFeishuBotFake(options: FeishuBotFakeOptions = {}): FeishuBotFake {
  const parts = channelFakeParts(options.now);
  const { app, faults, deliveries, windows, now } = parts;
  const hookToken = randomUUID36();
  const secret = randomBytes(16).toString('base64url');
  const bots = new Map(Object.entries(options.bots ?? { [hookToken]: secret }));

  const answer = (res: Response, code: number, msg: string) => res.status(200).json({ code, data: {}, msg });

  app.use('/open-apis/bot/v2/hook', express.raw({ type: () => true, limit: '1mb' }));
  app.post('/open-apis/bot/v2/hook/:token', async (req: Request, res: Response) => {
    const token = String(req.params.token);
    if (!bots.has(token)) return answer(res, 19001, 'param invalid: incoming webhook access token invalid');
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (rawBody.length > MAX_BODY_BYTES) return answer(res, 9499, 'request body exceeds 20KB');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>;
    } catch {
      return answer(res, 9499, 'Bad Request');
    }
    const botSecret = bots.get(token);
    if (botSecret) {
      const timestamp = typeof body.timestamp === 'string' || typeof body.timestamp === 'number' ? String(body.timestamp) : '';
      const sign = typeof body.sign === 'string' ? body.sign : '';
      const expected = Buffer.from(feishuBotSign(timestamp, botSecret));
      const fresh = /^\d+$/.test(timestamp) && Math.abs(now() / 1000 - Number(timestamp)) <= SIGN_WINDOW_S;
      if (!fresh || expected.length !== Buffer.byteLength(sign) || !timingSafeEqual(expected, Buffer.from(sign))) {
        return answer(res, 19021, 'sign match fail or timestamp is not within one hour from current time');
      }
    }
    const msgType = typeof body.msg_type === 'string' ? body.msg_type : '';
    if (!['text', 'post', 'image', 'share_chat', 'interactive'].includes(msgType) || (body.content === undefined && body.card === undefined)) {
      return answer(res, 9499, 'Bad Request');
    }
    if (options.keywords && options.keywords.length > 0) {
      const text = JSON.stringify(body.content ?? body.card);
      if (!options.keywords.some((k) => text.includes(k))) return answer(res, 19024, 'Key Words Not Found');
    }
    const deliver = () => {
      const { timestamp: _t, sign: _s, ...message } = body;
      deliveries.record({ key: createHash('sha256').update(JSON.stringify(message)).digest('hex').slice(0, 32), at: now(), to: token, providerId: '', body: message });
      return { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' };
    };
    const frequencyLimited = () => answer(res, 11232, `frequency limited psm[lark.oapi.app_platform_runtime]appID[${token.slice(0, 8)}]`);
    if (await answerFault(faults.take(), req, res, {
      transient: (rule) => (rule.status ? void res.status(rule.status).json({ code: 9499, msg: 'Internal Error' }) : void answer(res, Number(rule.code ?? 9499), 'internal error')),
      rateLimit: () => void frequencyLimited(),
      permanent: (rule) => void answer(res, Number(rule.code ?? 19024), 'Key Words Not Found'),
      deliver,
    })) return;
    const allowed = windows.takeAll(token, [
      { name: 'second', max: options.perSecond ?? 5, windowMs: 1_000 },
      { name: 'minute', max: options.perMinute ?? 100, windowMs: 60_000 },
    ]);
    if (!allowed.ok) return frequencyLimited();
    res.status(200).json(deliver());
  });

  return { ...channelFake(parts), hookToken: [...bots.keys()][0]!, secret: [...bots.values()][0] ?? '' };
}

function randomUUID36(): string {
  return randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
}
