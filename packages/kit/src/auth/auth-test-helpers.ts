// Shared arrangements for the auth tests: a Redis key space of their own, a minimal app, and users made through
// the same use case the CLI uses. Not exported from the package.
import express, { type Express } from 'express';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { createErrorHandler } from '../http/error-handler.ts';
import { createLogger, type Logger } from '../logger.ts';
import { deleteRedisKeys, uniqueSuffix } from '../testing/index.ts';
import { createAuth, type Auth, type AuthDeps } from './create-auth.ts';
import type { User } from './types.ts';
import { addUser } from './user-admin.ts';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  redis: Redis;
  keyPrefix: string;
  /** deletes every key under this prefix (and nothing else), then disconnects */
  cleanup(): Promise<void>;
}

/** A Redis client whose keys all live under a prefix unique to this test file and run. */
export function createTestRedis(name: string): TestRedis {
  const keyPrefix = `test:${name}:${uniqueSuffix()}:`;
  const redis = new Redis(TEST_REDIS_URL, { keyPrefix });
  return {
    redis,
    keyPrefix,
    async cleanup() {
      try {
        await deleteRedisKeys(TEST_REDIS_URL, keyPrefix);
      } finally {
        redis.disconnect();
      }
    },
  };
}

export const silentLogger: Logger = createLogger({ service: 'auth-test', level: 'silent' });

export interface TestApp {
  app: Express;
  auth: Auth;
}

/** The smallest app shaped like a service: auth routes, requireUser on /api, a few guarded routes, the error handler. */
export function buildTestApp(deps: Pick<AuthDeps, 'pool' | 'redis'> & Partial<AuthDeps>): TestApp {
  const logger = deps.logger ?? silentLogger;
  const auth = createAuth({ service: 'auth-test', cookieSecure: false, logger, ...deps });
  const app = express();
  app.use(express.json());
  app.use('/api/auth', auth.router);
  app.use('/api', auth.requireUser);
  app.get('/api/ping', (req, res) => {
    res.json({ pong: true, user: req.user });
  });
  app.get('/api/staff-area', auth.requireRole('staff'), (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/api/admin-area', auth.requireRole('admin'), (_req, res) => {
    res.json({ ok: true });
  });
  app.use(createErrorHandler(logger));
  return { app, auth };
}

export const TEST_PASSWORD = 'correct horse battery';

export interface TestUserOverrides {
  username?: string;
  password?: string;
  role?: 'admin' | 'staff' | 'viewer';
  displayName?: string;
}

/** A user with a unique name (tests never assume an empty table). */
export function buildTestUser(pool: pg.Pool, overrides: TestUserOverrides = {}): Promise<User> {
  return addUser(
    { db: pool, service: 'auth-test' },
    {
      username: overrides.username ?? `user-${uniqueSuffix()}`,
      password: overrides.password ?? TEST_PASSWORD,
      role: overrides.role ?? 'staff',
      displayName: overrides.displayName ?? '测试老师',
    },
  );
}

/** The session cookie pair (`doitcrm_sid=…`) from a login response, for the Cookie header of later requests. */
export function sessionCookieFrom(setCookie: string[] | string | undefined): string {
  const cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const session = cookies.find((cookie) => cookie.startsWith('doitcrm_sid='));
  if (!session) throw new Error(`no session cookie in ${JSON.stringify(cookies)}`);
  return session.split(';')[0]!;
}
