import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, test } from 'vitest';
import { createDedupe, createLimiter, createSendLimits, type LimitCheck } from '../src/index.ts';

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A server that accepts connections and never answers: Redis hung rather than gone. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const connections: Redis[] = [];
afterEach(() => {
  connections.splice(0).forEach((c) => c.disconnect());
});
/** the same options a service's Redis gets from kit's createRedis: reconnect for ever, 3 tries per command */
function connectTo(port: number): Redis {
  const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 3, retryStrategy: (attempt) => Math.min(attempt * 200, 5_000) });
  redis.on('error', () => undefined);
  connections.push(redis);
  return redis;
}

const check: LimitCheck = { kind: 'rate', name: 'recipient_rate', key: 'wecom_app:zhangsan', windows: [{ limit: 30, windowMs: 60_000 }] };

describe('fail safe: without Redis every answer is "defer", never a burst', () => {
  test('when Redis refuses connections, then 100 acquires all answer defer (unavailable) with a retry time, within the timeout', async () => {
    // Arrange
    const limiter = createLimiter({ redis: connectTo(await closedPort()), timeoutMs: 300, unavailableRetryMs: 2_000 });
    const started = Date.now();

    // Act
    const decisions = await Promise.all(Array.from({ length: 100 }, () => limiter.acquire([check])));

    // Assert
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(decisions.every((d) => d.outcome === 'defer' && d.reason === 'unavailable')).toBe(true);
    expect(decisions.every((d) => d.outcome === 'defer' && d.retryAfterMs >= 2_000 && d.retryAfterMs <= 2_400)).toBe(true);
  });

  test('when Redis accepts the connection but never answers, then acquire still answers defer by its timeout', async () => {
    // Arrange
    const silent = await silentServer();
    const limiter = createLimiter({ redis: connectTo(silent.port), timeoutMs: 250 });
    const started = Date.now();

    // Act
    const decision = await limiter.acquire([check]);
    await silent.close();

    // Assert
    expect(decision).toMatchObject({ outcome: 'defer', reason: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('when Redis is down, then dedupe claims defer, alreadySent is unknown, and recording or releasing reports failure without throwing', async () => {
    // Arrange
    const redis = connectTo(await closedPort());
    const dedupe = createDedupe({ redis, timeoutMs: 200 });
    const limiter = createLimiter({ redis, timeoutMs: 200 });

    // Act
    const claim = await dedupe.claim('k');
    const sent = await dedupe.alreadySent('k');
    const recorded = await dedupe.recordSent('k', 60_000);
    const released = await dedupe.releaseClaim({ key: 'k', token: 't' });
    const leaseOutcome = await limiter.release({ id: 'x', reservedAtMs: Date.now(), checks: [{ kind: 'concurrency', name: 'c', key: 'c', limit: 1, leaseMs: 1_000 }] });

    // Assert
    expect(claim).toMatchObject({ outcome: 'defer', reason: 'unavailable' });
    expect(sent).toMatchObject({ outcome: 'defer', reason: 'unavailable' });
    expect(recorded).toBe(false);
    expect(released).toBe(false);
    expect(leaseOutcome).toBe('unavailable');
  });

  test('when Redis is down, then a send through the configured limits is deferred too', async () => {
    // Arrange
    const sendLimits = createSendLimits(createLimiter({ redis: connectTo(await closedPort()), timeoutMs: 200 }));

    // Act
    const decision = await sendLimits.acquire({ channel: 'wecom_app', recipient: 'zhangsan' });

    // Assert
    expect(decision).toMatchObject({ outcome: 'defer', reason: 'unavailable' });
  });
});
