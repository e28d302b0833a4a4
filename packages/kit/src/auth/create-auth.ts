import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Logger } from '../logger.ts';
import { createAuthRouter } from './auth-routes.ts';
import { createLoginLimiter, type LoginLimits } from './login-limiter.ts';
import { createRequireUser, requireRole } from './middleware.ts';
import { warmUpDummyHash } from './password.ts';
import { createSessionStore, type SessionStore } from './session-store.ts';
import type { Router, RequestHandler } from 'express';

export interface AuthDeps {
  pool: pg.Pool;
  redis: Redis;
  logger: Logger;
  /** the service name written into audit rows, e.g. 'messages' */
  service: string;
  /** true behind HTTPS: the cookie then carries Secure */
  cookieSecure: boolean;
  /** idle timeout of a session; default 8 hours */
  sessionTtlSeconds?: number;
  /** absolute lifetime of a session; default 7 days */
  sessionMaxAgeSeconds?: number;
  /** login brute-force limits; defaults 5 failures per username+IP per 15 min, 50 per IP per hour */
  loginLimits?: LoginLimits;
}

export interface Auth {
  /** mount at /api/auth */
  router: Router;
  /** mount on /api after the router */
  requireUser: RequestHandler;
  requireRole: typeof requireRole;
  sessionStore: SessionStore;
}

/** Everything a service needs for login, sessions and roles, sharing one Redis session space with the other services. */
export function createAuth(deps: AuthDeps): Auth {
  const sessionStore = createSessionStore(deps.redis, { ttlSeconds: deps.sessionTtlSeconds, maxAgeSeconds: deps.sessionMaxAgeSeconds });
  const limiter = createLoginLimiter(deps.redis, deps.loginLimits);
  const requireUser = createRequireUser(sessionStore);
  const router = createAuthRouter({
    db: deps.pool,
    sessionStore,
    limiter,
    logger: deps.logger,
    service: deps.service,
    cookieSecure: deps.cookieSecure,
    requireUser,
  });
  // The first login for an unknown username would otherwise also pay for making the dummy hash, which is measurable.
  warmUpDummyHash().catch((error: unknown) => deps.logger.error({ err: error }, 'could not prepare the dummy password hash'));
  return { router, requireUser, requireRole, sessionStore };
}
