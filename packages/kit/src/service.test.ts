import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Router } from 'express';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { baseConfigShape } from './config.ts';
import { createApp } from './http/app.ts';
import type { BareRoute } from './http/bare-routes.ts';
import { openRawAmqp, REDIS_URL, waitFor, type RawAmqp } from './kit-test-helpers.ts';
import { listen } from './service.ts';
import { createTestService } from './testing/service-harness.ts';

let raw: RawAmqp;
let plainRedis: Redis;

beforeAll(async () => {
  raw = await openRawAmqp();
  plainRedis = new Redis(REDIS_URL);
});
afterAll(async () => {
  plainRedis?.disconnect();
  await raw?.close();
});

async function databaseExists(name: string): Promise<boolean> {
  const url = new URL(process.env.TEST_DATABASE_SERVER_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    return (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await admin.end();
  }
}

const queueExists = (name: string) => raw.withChannel((channel) => channel.checkQueue(name)).then(() => true, () => false);

describe('createTestService and the service context', () => {
  test('when a test service is created, then it has a namespace, key prefix and database of its own, and every readiness check passes', async () => {
    // Arrange
    const service = await createTestService('kit', baseConfigShape);
    try {
      const app = createApp({
        service: 'kit', logger: service.context.logger, metrics: service.context.metrics, auth: service.context.auth,
        readiness: service.context.readiness, api: Router(), ownOrigins: service.context.config,
      });

      // Act
      const ready = await supertest(app).get('/readyz');

      // Assert
      expect(service.context.config.AMQP_NAMESPACE).toMatch(/^test\.kit\.[0-9a-f]{10}\.$/);
      expect(service.context.config.REDIS_PREFIX).toMatch(/^test:kit:[0-9a-f]{10}:$/);
      expect(service.context.config.DATABASE_URL).toContain(`/${service.database.name}`);
      expect(ready.status).toBe(200);
      expect(ready.body.checks).toEqual([
        { name: 'postgres', ok: true }, { name: 'redis', ok: true }, { name: 'rabbitmq', ok: true },
      ]);
    } finally {
      await service.cleanup();
    }
  });

  test('when a test service is cleaned up, then its queues, Redis keys and database are gone', async () => {
    // Arrange
    const service = await createTestService('kit', baseConfigShape);
    const { broker, redis, config } = service.context;
    await broker.declareQueue('cleanup-check');
    await redis.set('cleanup-check', '1');
    const queue = broker.name('cleanup-check');
    const existedBefore = [await queueExists(queue), await plainRedis.exists(`${config.REDIS_PREFIX}cleanup-check`)];

    // Act
    await service.cleanup();

    // Assert
    expect(existedBefore).toEqual([true, 1]);
    expect(await queueExists(queue)).toBe(false);
    expect(await queueExists(`${queue}.dead`)).toBe(false);
    expect(await plainRedis.exists(`${config.REDIS_PREFIX}cleanup-check`)).toBe(0);
    expect(await databaseExists(service.database.name)).toBe(false);
  });

  test('when a listening service has a bare route, then the server answers it before Express runs, and every other path still goes through the app', async () => {
    // Arrange: the app marks each request Express handles, the bare route reports whether it saw the mark
    const service = await createTestService('kit', baseConfigShape, { HOST: '127.0.0.1' });
    const { context } = service;
    try {
      const push: BareRoute = {
        method: 'POST', path: '/api/hooks/bare',
        handle: async (req, res) => {
          req.raw.resume();
          res.writeHead(200, { 'content-type': 'text/plain' }).end(`express ran: ${'res' in req.raw}`);
        },
      };
      const app = createApp({ service: 'kit', logger: context.logger, metrics: context.metrics, auth: context.auth, readiness: context.readiness, api: Router(), ownOrigins: context.config, bareRoutes: [push] });
      const server = await listen(context, app, 0);
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

      // Act
      const bare = await fetch(`${baseUrl}/api/hooks/bare?n=1`, { method: 'POST', body: 'x' });
      const health = await fetch(`${baseUrl}/healthz`);

      // Assert: Express sets req.res on every request it takes in; the bare answer has no helmet header either
      expect(bare.status).toBe(200);
      expect(await bare.text()).toBe('express ran: false');
      expect(bare.headers.get('x-content-type-options')).toBeNull();
      expect(health.status).toBe(200);
      expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      await context.shutdown.run('SIGTERM');
      await service.cleanup();
    }
  });

  test('when a listening service shuts down, then the HTTP server stops and the pool, Redis and broker are closed', async () => {
    // Arrange
    const service = await createTestService('kit', baseConfigShape, { HOST: '127.0.0.1' });
    const { context } = service;
    try {
      const app = createApp({ service: 'kit', logger: context.logger, metrics: context.metrics, auth: context.auth, readiness: context.readiness, api: Router(), ownOrigins: context.config });
      const server = await listen(context, app, 0);
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const before = await fetch(`${baseUrl}/healthz`);
      await context.broker.deleteTopology();

      // Act
      await context.shutdown.run('SIGTERM');

      // Assert
      expect(before.status).toBe(200);
      expect(server.listening).toBe(false);
      await expect(fetch(`${baseUrl}/healthz`)).rejects.toThrow();
      expect(context.broker.isConnected).toBe(false);
      // QUIT resolves on the server's OK; the socket closes just after
      await waitFor('Redis to close', () => context.redis.status === 'end', 1_000);
      await expect(context.pool.query('SELECT 1')).rejects.toThrow();
    } finally {
      await service.cleanup();
    }
  });
});
