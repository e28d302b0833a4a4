import type { Request, Response } from 'express';
import { answerError, type PipelineParts } from '../endpoint-pipeline.ts';
import type { FakeApp } from '../wecom-fake-state.ts';

/** After this many wrong secrets from one IP, gettoken answers 45009 for an hour (errcode 45009, https://developer.work.weixin.qq.com/document/path/90313). */
export interface BadSecretPolicy {
  limit: number;
  blockMs: number;
}

/**
 * `GET /cgi-bin/gettoken?corpid&corpsecret`: 41002/41004 for missing parameters, 40013 for a corp id that is not
 * this corp, 40001 for a secret of no app; otherwise the app's current token (the same one until it expires).
 */
export function gettokenHandler(parts: PipelineParts, badSecrets: BadSecretPolicy) {
  const strikes = new Map<string, { count: number; blockedUntil: number }>();
  return (req: Request, res: Response): void => {
    const corpId = typeof req.query.corpid === 'string' ? req.query.corpid : '';
    const secret = typeof req.query.corpsecret === 'string' ? req.query.corpsecret : '';
    const logged = { endpoint: 'gettoken', ids: corpId ? [corpId] : [] };
    const fail = (errcode: number, text?: string) => answerError(parts, req, res, logged, errcode, text);
    const ip = req.ip ?? '';
    const now = parts.now();

    const injected = parts.injector.match('gettoken', logged.ids);
    if (injected) return fail(injected.errcode, injected.errmsg);
    if (!corpId) return fail(41002);
    if (!secret) return fail(41004);
    let strike = strikes.get(ip);
    if (strike && strike.blockedUntil > 0 && now >= strike.blockedUntil) {
      strikes.delete(ip);
      strike = undefined;
    }
    if (strike && now < strike.blockedUntil) return fail(45009, 'api freq out of limit: too many invalid secrets from this ip');
    if (corpId !== parts.state.corpId) return fail(40013);
    const app = Object.values(parts.state.apps).find((a: FakeApp) => a.secret === secret);
    if (!app) {
      const next = { count: (strike?.count ?? 0) + 1, blockedUntil: 0 };
      if (next.count >= badSecrets.limit) next.blockedUntil = now + badSecrets.blockMs;
      strikes.set(ip, next);
      return fail(40001);
    }
    const issued = parts.tokens.issue(app.name, now, parts.state.tokenTtlSeconds);
    parts.calls.record({ endpoint: 'gettoken', method: req.method, at: now, ids: logged.ids, errcode: 0 });
    res.status(200).json({ errcode: 0, errmsg: 'ok', access_token: issued.accessToken, expires_in: issued.expiresIn });
  };
}
