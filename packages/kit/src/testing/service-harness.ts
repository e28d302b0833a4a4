import type { Express } from 'express';
import { Redis } from 'ioredis';
import supertest from 'supertest';
import type { z } from 'zod';
import { addUser } from '../auth/user-admin.ts';
import type { User } from '../auth/types.ts';
import { loadConfig, type BaseConfig } from '../config.ts';
import { createServiceContext, type ServiceContext } from '../service.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { uniqueSuffix } from './unique.ts';

export interface TestService<C extends BaseConfig> {
  context: ServiceContext<C>;
  database: TestDatabase;
  /** stops the service's connections, removes its queues and Redis keys, drops its database */
  cleanup(): Promise<void>;
}

/**
 * A service context against real PostgreSQL, RabbitMQ and Redis, isolated from every other test file: its own
 * database (cloned from the migrated template), its own exchange/queue namespace and Redis key prefix.
 */
export async function createTestService<Shape extends z.ZodRawShape>(
  name: string,
  shape: Shape,
  env: Record<string, string> = {},
): Promise<TestService<Readonly<z.infer<z.ZodObject<Shape>>> & BaseConfig>> {
  const database = await createTestDatabase();
  const suffix = uniqueSuffix();
  const config = loadConfig(shape, {
    ...process.env,
    DATABASE_URL: database.url,
    AMQP_NAMESPACE: `test.${name}.${suffix}.`,
    REDIS_PREFIX: `test:${name}:${suffix}:`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SHUTDOWN_TIMEOUT_MS: '10000',
    ...env,
  }) as Readonly<z.infer<z.ZodObject<Shape>>> & BaseConfig;
  const context = await createServiceContext(name, config);
  return {
    context,
    database,
    async cleanup() {
      await context.broker.deleteTopology().catch(() => {});
      await deleteRedisKeys(config.REDIS_URL, config.REDIS_PREFIX);
      await context.shutdown.run('test cleanup');
      await database.drop();
    },
  };
}

/** Deletes every key under a prefix (and nothing else); SCAN patterns ignore ioredis key prefixes, hence a plain client. */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const plain = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await plain.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await plain.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    plain.disconnect();
  }
}

export const TEST_USER_PASSWORD = 'test-password-1234';

/** A user with a unique name, created the way the CLI creates one. */
export async function createTestUser(context: ServiceContext, role: 'admin' | 'staff' | 'viewer' = 'staff'): Promise<User> {
  return addUser({ db: context.pool, service: 'test' }, {
    username: `${role}-${uniqueSuffix()}`, password: TEST_USER_PASSWORD, role, displayName: `测试${role}`,
  });
}

/** Logs in through the HTTP API and returns the Cookie header value for later requests. */
export async function loginCookie(app: Express, username: string, password = TEST_USER_PASSWORD): Promise<string> {
  const response = await supertest(app).post('/api/auth/login').send({ username, password });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
  const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  const session = cookies.find((cookie) => cookie.startsWith('doitcrm_sid='));
  if (!session) throw new Error('login set no session cookie');
  return session.split(';')[0]!;
}
