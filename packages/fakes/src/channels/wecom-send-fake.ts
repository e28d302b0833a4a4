import { createHash, randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { errmsgFor } from '../wecom/wecom-errmsg.ts';
import { answerFault, channelFake, channelFakeParts, type ChannelFake } from './channel-fake-base.ts';

export interface WecomSendFakeOptions {
  corpId?: string;
  /** the sending app's secret and agent id */
  secret?: string;
  agentId?: number;
  /** members that exist; others come back in `invaliduser`, all unknown → 81013. Default: any userid exists */
  members?: readonly string[];
  /** message/send calls per window before 45009 (the per-corp API limit); default 10,000 per minute */
  rateLimit?: { calls: number; windowMs?: number };
  /** message/send calls in flight before 45033; default 300 */
  maxConcurrent?: number;
  /** per member, what WeCom accepts and then silently drops (docs: 30/min, 1,000/h) */
  perMember?: { minute?: number; hour?: number };
  /** group robots: webhook key → the group's name; each robot sends 20 per minute */
  robots?: Readonly<Record<string, string>>;
  robotPerMinute?: number;
  /** the over-limit answer of robots: 45009 (most reports) or 130101 (also reported) */
  robotLimitErrcode?: 45009 | 130101;
  tokenTtlSeconds?: number;
  now?: () => number;
}

export interface WecomSendFake extends ChannelFake {
  corpId: string;
  secret: string;
  agentId: number;
  /** webhook key of the default robot */
  robotKey: string;
  revokeTokens(): void;
}

const DEFAULT_DUPLICATE_CHECK_SECONDS = 1800;
const MAX_DUPLICATE_CHECK_SECONDS = 4 * 3600;

/**
 * WeCom sending (external-apis §1.8): `gettoken`, app messages `message/send` with WeCom's duplicate check, and group
 * robots `webhook/send?key=`. Business errors are HTTP 200 `{errcode, errmsg}`. Deliveries of app messages are
 * counted per duplicate-check key (the request JSON without the check fields), one per recipient; robot deliveries
 * per body.
 */
export function createWecomSendFake(options: WecomSendFakeOptions = {}): WecomSendFake {
  const parts = channelFakeParts(options.now);
  const { app, faults, deliveries, windows, now } = parts;
  const corpId = options.corpId ?? `ww${randomBytes(8).toString('hex')}`;
  const secret = options.secret ?? randomBytes(32).toString('base64url').slice(0, 43);
  const agentId = options.agentId ?? 1000002;
  const robotKey = randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
  const robots = new Map(Object.entries(options.robots ?? { [robotKey]: 'demo group' }));
  const members = options.members ? new Set(options.members) : null;
  const tokens = new Map<string, number>();
  const recentChecks = new Map<string, { until: number; msgid: string }>();
  let inFlight = 0;

  const reply = (req: Request, res: Response, errcode: number, fields: Record<string, unknown> = {}) =>
    res.status(200).json(errcode === 0 ? { errcode, errmsg: 'ok', ...fields } : { errcode, errmsg: errmsgFor(errcode, req.ip ?? '', now()), ...fields });

  app.use('/cgi-bin', express.json({ type: () => true, limit: '2mb' }));
  app.get('/cgi-bin/gettoken', (req: Request, res: Response) => {
    if (req.query.corpid !== corpId) return reply(req, res, 40013);
    if (req.query.corpsecret !== secret) return reply(req, res, 40001);
    for (const [token, expiry] of tokens) if (expiry > now()) return reply(req, res, 0, { access_token: token, expires_in: Math.round((expiry - now()) / 1000) });
    const token = randomBytes(48).toString('base64url');
    const ttl = options.tokenTtlSeconds ?? 7200;
    tokens.set(token, now() + ttl * 1000);
    reply(req, res, 0, { access_token: token, expires_in: ttl });
  });

  app.post('/cgi-bin/message/send', async (req: Request, res: Response) => {
    const token = typeof req.query.access_token === 'string' ? req.query.access_token : '';
    if (!token) return reply(req, res, 41001);
    const expiry = tokens.get(token);
    if (expiry === undefined) return reply(req, res, 40014);
    if (expiry <= now()) return reply(req, res, 42001);
    const limit = options.rateLimit;
    if (!windows.take('message/send', { max: limit?.calls ?? 10_000, windowMs: limit?.windowMs ?? 60_000 }).ok) return reply(req, res, 45009);
    if (inFlight >= (options.maxConcurrent ?? 300)) return reply(req, res, 45033);
    inFlight += 1;
    try {
      await send(req, res);
    } finally {
      inFlight -= 1;
    }
  });

  async function send(req: Request, res: Response): Promise<void> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.agentid !== agentId && body.agentid !== String(agentId)) return void reply(req, res, 301002);
    const recipients = typeof body.touser === 'string' ? body.touser.split('|').filter(Boolean) : [];
    if (recipients.length > 1000) return void reply(req, res, 40058);
    const msgtype = typeof body.msgtype === 'string' ? body.msgtype : '';
    const content = (body[msgtype] ?? null) as Record<string, unknown> | null;
    if (!msgtype || !content) return void reply(req, res, 40058);
    const interval = Number(body.duplicate_check_interval ?? DEFAULT_DUPLICATE_CHECK_SECONDS);
    if (!Number.isInteger(interval) || interval < 0 || interval > MAX_DUPLICATE_CHECK_SECONDS) return void reply(req, res, 40058);
    const { enable_duplicate_check: check, duplicate_check_interval: _interval, ...rest } = body;
    const checkKey = createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 32);
    const previous = recentChecks.get(checkKey);
    const deliver = () => {
      const valid = members ? recipients.filter((u) => members.has(u)) : recipients;
      const invalid = recipients.filter((u) => !valid.includes(u));
      const msgid = randomBytes(24).toString('base64url');
      for (const user of valid) {
        // WeCom accepts over-limit sends to a member and drops them without an error (docs: 30/min, 1,000/h)
        const allowed = windows.takeAll(user, [
          { name: 'member-minute', max: options.perMember?.minute ?? 30, windowMs: 60_000 },
          { name: 'member-hour', max: options.perMember?.hour ?? 1_000, windowMs: 3_600_000 },
        ]);
        if (allowed.ok) deliveries.record({ key: checkKey, at: now(), to: user, providerId: msgid, body });
        else deliveries.drop();
      }
      if (check === 1) recentChecks.set(checkKey, { until: now() + interval * 1000, msgid });
      return { errcode: 0, errmsg: 'ok', msgid, ...(invalid.length > 0 ? { invaliduser: invalid.map((u) => u.toLowerCase()).join('|') } : {}) };
    };
    if (await answerFault(faults.take(), req, res, {
      transient: (rule) => (rule.status ? void res.status(rule.status).end() : void reply(req, res, Number(rule.code ?? -1))),
      rateLimit: (rule) => void reply(req, res, Number(rule.code ?? 45009)),
      permanent: (rule) => void reply(req, res, Number(rule.code ?? 81013)),
      deliver,
    })) return;
    if (check === 1 && previous && previous.until > now()) {
      deliveries.deduplicate();
      return void reply(req, res, 0, { msgid: previous.msgid });
    }
    if (members && recipients.length > 0 && recipients.every((u) => !members.has(u))) {
      return void reply(req, res, 81013, { invaliduser: recipients.map((u) => u.toLowerCase()).join('|') });
    }
    if (recipients.length === 0) return void reply(req, res, 40058);
    res.status(200).json(deliver());
  }

  app.post('/cgi-bin/webhook/send', async (req: Request, res: Response) => {
    const key = typeof req.query.key === 'string' ? req.query.key : '';
    if (!robots.has(key)) return reply(req, res, 93000);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const msgtype = typeof body.msgtype === 'string' ? body.msgtype : '';
    const content = (body[msgtype] ?? null) as { content?: unknown } | null;
    if (!content) return reply(req, res, 40008);
    const maxBytes = msgtype === 'markdown' ? 4096 : 2048;
    if (typeof content.content === 'string' && Buffer.byteLength(content.content) > maxBytes) return reply(req, res, 40058);
    const limitErrcode = options.robotLimitErrcode ?? 45009;
    const deliver = () => {
      deliveries.record({ key: createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 32), at: now(), to: key, providerId: '', body });
      return { errcode: 0, errmsg: 'ok' };
    };
    if (await answerFault(faults.take(), req, res, {
      transient: (rule) => (rule.status ? void res.status(rule.status).end() : void reply(req, res, Number(rule.code ?? -1))),
      rateLimit: (rule) => void reply(req, res, Number(rule.code ?? limitErrcode)),
      permanent: (rule) => void reply(req, res, Number(rule.code ?? 93000)),
      deliver,
    })) return;
    if (!windows.take(`robot:${key}`, { max: options.robotPerMinute ?? 20, windowMs: 60_000 }).ok) {
      return limitErrcode === 130101
        ? res.status(200).json({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' })
        : reply(req, res, 45009);
    }
    res.status(200).json(deliver());
  });

  return {
    ...channelFake(parts, () => recentChecks.clear()),
    corpId, secret, agentId, robotKey: [...robots.keys()][0]!,
    revokeTokens: () => tokens.clear(),
  };
}
