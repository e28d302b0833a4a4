import type { UserRole } from '@doitcrm/types';
import type { Request, RequestHandler } from 'express';
import { AppError, ForbiddenError, UnauthorizedError, UnavailableError } from '../errors.ts';
import { requestContext } from '../logger.ts';
import { SESSION_COOKIE, readCookie } from './cookies.ts';
import { isUserRole, roleSatisfies } from './roles.ts';
import type { SessionData, SessionStore } from './session-store.ts';
import type { AuthUser } from './types.ts';
import './express-augment.ts';

/** The session token of a request: `Authorization: Bearer <token>` (scripts) or the session cookie (browsers). */
export function sessionTokenFromRequest(req: Request): string | undefined {
  const authorization = req.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  return readCookie(req.get('cookie'), SESSION_COOKIE);
}

export function toAuthUser(session: SessionData): AuthUser {
  return { id: session.userId, username: session.username, displayName: session.displayName || session.username, role: session.role };
}

/**
 * Loads the session of the request into req.user (sliding its expiry) or passes a 401 to next(). Errors always go
 * through next() and the returned promise never rejects, so callers may also invoke it by hand.
 */
export function createRequireUser(sessionStore: SessionStore): RequestHandler {
  return async (req, _res, next) => {
    let session: SessionData | null = null;
    try {
      const token = sessionTokenFromRequest(req);
      if (!token) throw new UnauthorizedError();
      session = await loadSession(sessionStore, token);
    } catch (error) {
      next(error);
      return;
    }
    req.user = toAuthUser(session);
    // every log line of this request then names the user
    const context = requestContext.getStore();
    if (context) context.userId = session.userId;
    next();
  };
}

async function loadSession(sessionStore: SessionStore, token: string): Promise<SessionData> {
  let session: SessionData | null;
  try {
    session = await sessionStore.touch(token);
  } catch (error) {
    throw error instanceof AppError ? error : new UnavailableError('会话服务暂时不可用，请稍后再试', error);
  }
  if (!session) throw new UnauthorizedError('登录已过期，请重新登录');
  return session;
}

/**
 * Admits users whose role is at least the weakest role listed (admin > staff > viewer):
 * requireRole('staff') admits staff and admin. Mount after requireUser.
 */
export function requireRole(...roles: UserRole[]): RequestHandler {
  if (roles.length === 0 || !roles.every(isUserRole)) throw new Error(`requireRole needs known roles, got ${JSON.stringify(roles)}`);
  return (req, _res, next) => {
    if (!req.user) next(new UnauthorizedError());
    else if (!roleSatisfies(req.user.role, roles)) next(new ForbiddenError());
    else next();
  };
}
