import client from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, withTransaction, type Pool } from '../db.ts';
import { captureLogger, sleep, waitFor } from '../kit-test-helpers.ts';
import { ShutdownRegistry } from '../shutdown.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { uniqueName } from '../testing/unique.ts';
import { createScheduleMetrics } from './schedule-metrics.ts';
import { claimSlot } from './schedule-repository.ts';
import { startSchedule, type ScheduleOptions, type ScheduleRun } from './start-schedule.ts';

let database: TestDatabase;
let pool: Pool;
let otherPool: Pool;
const { logger } = captureLogger();

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool({ databaseUrl: database.url, max: 4 });
  otherPool = createPool({ databaseUrl: database.url, max: 4 });
  await pool.query('CREATE TABLE schedule_test_writes (schedule text NOT NULL, fence bigint NOT NULL)');
});
afterAll(async () => {
  await pool.end();
  await otherPool.end();
  await database.drop();
});

/** One service instance: its own pool, metrics registry and shutdown registry. */
function instance(instancePool: Pool = pool) {
  const registry = new client.Registry();
  const metrics = { schedules: createScheduleMetrics(registry) };
  const shutdown = new ShutdownRegistry(logger, 30_000);
  return {
    metrics,
    shutdown,
    start: (options: ScheduleOptions) => startSchedule({ pool: instancePool, logger, metrics, shutdown }, options),
    value: async (metric: keyof typeof metrics.schedules, schedule: string) =>
      (await metrics.schedules[metric].get()).values.find((entry) => entry.labels.schedule === schedule)?.value,
  };
}

describe('startSchedule', () => {
  it('when two instances run the same schedule, then each tick runs the handler once', async () => {
    const name = uniqueName('twice');
    const runs: string[] = [];
    const handler = async (run: ScheduleRun) => {
      runs.push(run.slot.toISOString());
      await sleep(50);
    };
    const first = instance(pool);
    const second = instance(otherPool);
    first.start({ name, cron: '* * * * * *', handler });
    second.start({ name, cron: '* * * * * *', handler });
    await waitFor('three ticks', () => runs.length >= 3, 6_000);
    await Promise.all([first.shutdown.run('test'), second.shutdown.run('test')]);
    expect(new Set(runs).size).toBe(runs.length);
  });

  it('when a stalled run\'s lease ran out and a newer run claimed the schedule, then the stalled run cannot commit', async () => {
    const name = uniqueName('stale');
    const app = instance();
    let overtake!: () => void;
    const overtaken = new Promise<void>((resolve) => (overtake = resolve));
    let seen: ScheduleRun | undefined;
    app.start({
      name, cron: '0 0 1 1 *', runAtStart: true, leaseMs: 60_000,
      handler: async (run) => {
        seen = run;
        await overtaken;
        await withTransaction(pool, async (tx) => {
          await tx.query('INSERT INTO schedule_test_writes VALUES ($1, $2)', [name, run.fence]);
          await run.assertStillOwner(tx);
        });
      },
    });
    await waitFor('the first run to start', () => seen !== undefined);
    // the stall: its lease runs out without renewal, and another instance claims the next tick
    await pool.query("UPDATE ops.schedules SET lease_until = now() - interval '1 second' WHERE name = $1", [name]);
    const newer = await claimSlot(otherPool, { name, slot: new Date(Date.now() + 1_000), owner: 'newer', leaseMs: 60_000 });
    expect(newer?.fence).toBe(seen!.fence + 1);
    overtake();
    await waitFor('the stalled run to be counted as failed', async () => (await app.value('failures', name)) === 1);
    const { rows } = await pool.query('SELECT fence FROM schedule_test_writes WHERE schedule = $1', [name]);
    expect(rows).toEqual([]);
    // the newer run still owns the row: the stalled run's end did not overwrite it
    const { rows: [row] } = await pool.query('SELECT fence, owner FROM ops.schedules WHERE name = $1', [name]);
    expect(row).toEqual({ fence: newer!.fence, owner: 'newer' });
    await app.shutdown.run('test');
  });

  it('when a run outlasts its lease, then its renewals keep another instance from claiming the schedule', async () => {
    const name = uniqueName('renew');
    const app = instance();
    let finished = false;
    app.start({ name, cron: '0 0 1 1 *', runAtStart: true, leaseMs: 300, handler: async () => { await sleep(1_000); finished = true; } });
    await sleep(700);
    expect(await claimSlot(otherPool, { name, slot: new Date(Date.now() + 1_000), owner: 'other', leaseMs: 60_000 })).toBeNull();
    await waitFor('the long run to end', () => finished);
    await app.shutdown.run('test');
  });

  it('when the run still owns the schedule, then its transaction commits', async () => {
    const name = uniqueName('owner');
    const app = instance();
    let done = false;
    app.start({
      name, cron: '0 0 1 1 *', runAtStart: true,
      handler: async (run) => {
        await withTransaction(pool, async (tx) => {
          await tx.query('INSERT INTO schedule_test_writes VALUES ($1, $2)', [name, run.fence]);
          await run.assertStillOwner(tx);
        });
        done = true;
      },
    });
    await waitFor('the run', () => done);
    const { rows } = await pool.query('SELECT fence FROM schedule_test_writes WHERE schedule = $1', [name]);
    expect(rows).toEqual([{ fence: 1 }]);
    await app.shutdown.run('test');
  });

  it('when shutdown comes while the handler runs, then shutdown waits for it to finish', async () => {
    const name = uniqueName('shutdown');
    const app = instance();
    const events: string[] = [];
    app.start({
      name, cron: '0 0 1 1 *', runAtStart: true,
      handler: async () => {
        events.push('handler started');
        await sleep(300);
        events.push('handler finished');
      },
    });
    await waitFor('the handler to start', () => events.length === 1);
    await app.shutdown.run('test');
    events.push('shut down');
    expect(events).toEqual(['handler started', 'handler finished', 'shut down']);
    const { rows: [row] } = await pool.query('SELECT lease_until FROM ops.schedules WHERE name = $1', [name]);
    expect(row.lease_until).toBeNull();
  });

  it('when the handler outlasts the stop bound, then shutdown abandons it and tells it through its signal', async () => {
    const name = uniqueName('abandon');
    const app = instance();
    let signal: AbortSignal | undefined;
    app.start({
      name, cron: '0 0 1 1 *', runAtStart: true, stopTimeoutMs: 100,
      handler: async (run) => {
        signal = run.signal;
        await new Promise((resolve) => run.signal.addEventListener('abort', resolve));
      },
    });
    await waitFor('the handler to start', () => signal !== undefined);
    const started = Date.now();
    await app.shutdown.run('test');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(signal?.aborted).toBe(true);
  });

  it('when the handler fails, then the failure is counted and the next tick runs again', async () => {
    const name = uniqueName('failing');
    const app = instance();
    let calls = 0;
    app.start({
      name, cron: '* * * * * *',
      handler: async () => {
        calls += 1;
        if (calls === 1) throw new Error('first run breaks');
      },
    });
    await waitFor('a run after the failure', () => calls >= 2, 5_000);
    await app.shutdown.run('test');
    expect(await app.value('failures', name)).toBe(1);
    const { rows: [row] } = await pool.query('SELECT failures FROM ops.schedules WHERE name = $1', [name]);
    expect(row.failures).toBe(1);
  });

  it('when a schedule has run, then its last run, next run, duration and running state are metrics labelled by its name', async () => {
    const name = uniqueName('metrics');
    const app = instance();
    let release!: () => void;
    const mayFinish = new Promise<void>((resolve) => (release = resolve));
    const schedule = app.start({ name, cron: '0 3 * * *', runAtStart: true, handler: () => mayFinish });
    await waitFor('the run to start', async () => (await app.value('running', name)) === 1);
    await sleep(20);
    release();
    await waitFor('the run to end', async () => (await app.value('running', name)) === 0);
    const next = schedule.nextRun();
    // 03:00 in Beijing is 19:00 UTC
    expect(next?.getUTCHours()).toBe(19);
    expect(await app.value('nextRun', name)).toBe(next!.getTime() / 1000);
    expect(await app.value('lastRun', name)).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(await app.value('lastDuration', name)).toBeGreaterThan(0.01);
    await app.shutdown.run('test');
    expect(schedule.nextRun()).toBeNull();
  });
});
