import express, { type RequestHandler, type Router } from 'express';
import { ValidationError, type ErrorDetail } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { recordAuditOrLog } from './audit.ts';
import { SESSION_COOKIE, sessionCookieOptions } from './cookies.ts';
import { MAX_PASSWORD_LENGTH, MAX_USERNAME_LENGTH } from './credential-policy.ts';
import { login, type LoginDeps } from './login-use-case.ts';
import { sessionTokenFromRequest } from './middleware.ts';

export interface AuthRouterDeps extends LoginDeps {
  requireUser: RequestHandler;
  cookieSecure: boolean;
  logger: Logger;
}

/** Reads `{username, password}`, naming every missing or malformed field at once. */
export function parseLoginBody(body: unknown): { username: string; password: string } {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const details: ErrorDetail[] = [];
  const username = typeof input.username === 'string' ? input.username.trim() : '';
  const password = typeof input.password === 'string' ? input.password : '';
  if (username === '') details.push({ field: 'username', message: '请输入用户名' });
  else if ([...username].length > MAX_USERNAME_LENGTH) details.push({ field: 'username', message: `用户名不能超过 ${MAX_USERNAME_LENGTH} 个字符` });
  if (password === '') details.push({ field: 'password', message: '请输入密码' });
  else if ([...password].length > MAX_PASSWORD_LENGTH) details.push({ field: 'password', message: `密码不能超过 ${MAX_PASSWORD_LENGTH} 个字符` });
  if (details.length > 0) throw new ValidationError(details.map((detail) => detail.message).join('；'), details);
  return { username, password };
}

/** POST /login, POST /logout, GET /me; the app mounts this at /api/auth, before requireUser guards the rest of /api. */
export function createAuthRouter(deps: AuthRouterDeps): Router {
  const router = express.Router();
  router.use(express.json({ limit: '10kb' }));
  // answers about who is signed in must never be cached by a browser or proxy
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.post('/login', async (req, res) => {
    const { username, password } = parseLoginBody(req.body);
    const { token, user } = await login(deps, {
      username,
      password,
      ip: req.ip ?? 'unknown',
      userAgent: req.get('user-agent') ?? null,
      previousToken: sessionTokenFromRequest(req),
    });
    res.cookie(SESSION_COOKIE, token, sessionCookieOptions(deps.cookieSecure));
    res.status(200).json({ user });
  });

  router.post('/logout', async (req, res) => {
    const token = sessionTokenFromRequest(req);
    if (token) {
      const session = await deps.sessionStore.destroy(token);
      // logging out must always work, so a lost audit row is logged rather than turned into an error
      if (session) {
        await recordAuditOrLog(deps.db, deps.logger, {
          service: deps.service,
          action: 'auth.logout',
          targetType: 'user',
          targetId: session.userId,
          userId: session.userId,
          username: session.username,
          ip: req.ip ?? null,
          userAgent: req.get('user-agent') ?? null,
        });
      }
    }
    res.clearCookie(SESSION_COOKIE, sessionCookieOptions(deps.cookieSecure));
    res.status(204).end();
  });

  router.get('/me', deps.requireUser, (req, res) => {
    res.json({ user: req.user });
  });

  return router;
}
