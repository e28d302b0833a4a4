import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { z } from 'zod';
import { DEAD_LETTER_EXCHANGE, EVENTS_EXCHANGE } from '@doitcrm/types';
import { Broker } from './broker.ts';
import { createPool, type Pool } from './db.ts';
import { AMQP_URL, captureLogger, openRawAmqp, sleep, uniqueNamespace, waitFor, type RawAmqp } from './kit-test-helpers.ts';

let raw: RawAmqp;
let down: Pool;
let up: Pool;

beforeAll(async () => {
  raw = await openRawAmqp();
  // nothing listens on port 1: connecting fails the way a PostgreSQL that is restarting does (ECONNREFUSED)
  down = createPool({ databaseUrl: 'postgres://postgres@127.0.0.1:1/doitcrm', max: 1 });
  up = createPool({ databaseUrl: process.env.TEST_DATABASE_SERVER_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', max: 1 });
});
afterAll(async () => {
  await raw?.close();
  await down?.end();
  await up?.end();
});

async function startBroker(queue: string) {
  const { logger, lines } = captureLogger();
  const broker = await Broker.connect({ url: AMQP_URL, namespace: uniqueNamespace(), logger, retryBackoffMs: 10 });
  onTestFinished(async () => {
    await broker.deleteTopology().catch(() => {});
    await broker.close(1_000);
    await raw.deleteAll({
      queues: [broker.name(queue), `${broker.name(queue)}.dead`],
      exchanges: [broker.name(EVENTS_EXCHANGE), broker.name(DEAD_LETTER_EXCHANGE)],
    });
  });
  return { broker, lines };
}

describe('Broker consuming through a PostgreSQL outage', () => {
  test('when the handler fails because PostgreSQL is unreachable more often than maxAttempts, then the message is kept and handled once it is back, not dead-lettered', async () => {
    // Arrange
    const { broker, lines } = await startBroker('extract');
    let calls = 0;
    let done = false;
    await broker.consume({
      queue: 'extract',
      maxAttempts: 2,
      schema: z.object({ n: z.number() }),
      handle: async () => {
        calls += 1;
        // the first five runs meet the outage; then PostgreSQL is back
        await (calls <= 5 ? down : up).query('SELECT 1');
        done = true;
      },
    });

    // Act
    await broker.sendJob('extract', { n: 1 });
    await waitFor('the run after the outage', () => done, 15_000);
    await sleep(200);

    // Assert
    expect(calls).toBe(6);
    expect(await raw.messageCount(`${broker.name('extract')}.dead`)).toBe(0);
    expect(await raw.messageCount(broker.name('extract'))).toBe(0);
    expect(lines.filter((line) => line.msg.startsWith('PostgreSQL unavailable'))).toHaveLength(5);
    expect(lines.filter((line) => 'deadLettered' in line)).toEqual([]);
  });

  test('when the handler fails for another reason, then maxAttempts still sends it to <queue>.dead', async () => {
    // Arrange
    const { broker } = await startBroker('broken');
    let calls = 0;
    await broker.consume({
      queue: 'broken',
      maxAttempts: 2,
      schema: z.object({ n: z.number() }),
      handle: async () => {
        calls += 1;
        await up.query('SELECT 1/0');
      },
    });

    // Act
    await broker.sendJob('broken', { n: 1 });
    await raw.take(`${broker.name('broken')}.dead`);

    // Assert
    expect(calls).toBe(2);
  });
});
