import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Pool, Queryable } from '../db.ts';
import type { Logger } from '../logger.ts';
import type { ShutdownRegistry } from '../shutdown.ts';
import { nextRunOf, type ScheduleTiming } from './next-run.ts';
import type { ScheduleMetrics } from './schedule-metrics.ts';
import { assertFence, claimSlot, finishClaim, renewLease } from './schedule-repository.ts';

/** What a handler is given for one run. */
export interface ScheduleRun {
  schedule: string;
  /** the tick this run was claimed for */
  slot: Date;
  /** grows by one per claim across all instances: a larger number is a newer run */
  fence: number;
  /** aborted when this run lost its claim (its lease ran out and a newer run started) or shutdown stopped waiting */
  signal: AbortSignal;
  /**
   * Call inside the handler's own transaction, before it commits: throws StaleFenceError when a newer run has
   * claimed the schedule, and otherwise holds the schedule's row so no newer claim lands before this commit.
   */
  assertStillOwner(client: Queryable): Promise<void>;
}

export type ScheduleOptions = ScheduleTiming & {
  /** names the schedule across instances (its row in ops.schedules) and labels its metrics */
  name: string;
  handler: (run: ScheduleRun) => Promise<void>;
  /** also run once right after start (catch-up work), unless another instance is running it at that moment */
  runAtStart?: boolean;
  /** how long a claim stays valid without renewal; renewed every third of it while the handler runs */
  leaseMs?: number;
  /** how long shutdown waits for a running handler before abandoning it (its lease then runs out by itself) */
  stopTimeoutMs?: number;
};

export interface ScheduleDependencies {
  pool: Pool;
  logger: Logger;
  metrics: { schedules: ScheduleMetrics };
  shutdown: ShutdownRegistry;
}

export interface RunningSchedule {
  /** the next tick this instance waits for; null once stopped or when the expression has no more ticks */
  nextRun(): Date | null;
  /** stops waiting for ticks and waits (up to stopTimeoutMs) for a running handler; shutdown calls it too */
  stop(): Promise<void>;
}

// setTimeout holds at most a signed 32-bit number of milliseconds (about 24.8 days); longer waits are re-armed
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs `handler` on every tick of a cron expression (Beijing time unless `timezone` says otherwise) or every n
 * minutes, on one instance at a time: each tick is claimed through ops.schedules, so however many instances of
 * the service run it, one of them runs the handler per tick. See packages/kit/docs/schedules.md.
 */
export function startSchedule(deps: ScheduleDependencies, options: ScheduleOptions): RunningSchedule {
  const { pool, logger: parentLogger } = deps;
  const { name, handler } = options;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const nextRunAfter = nextRunOf(options);
  const logger = parentLogger.child({ schedule: name });
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const labels = { schedule: name };
  const metrics = deps.metrics.schedules;
  metrics.running.set(labels, 0);

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let next: Date | null = null;
  /** the tick being claimed or run, and how to give up on it at shutdown */
  let inFlight: Promise<void> | undefined;
  let abandon: (() => void) | undefined;

  const runClaimed = async (slot: Date, fence: number) => {
    const controller = new AbortController();
    const heartbeat = setInterval(() => {
      renewLease(pool, name, fence, leaseMs).then((held) => {
        if (!held) controller.abort(new Error(`schedule ${name}: claim ${fence} was overtaken`));
      }, (error: unknown) => logger.warn({ err: error, fence }, 'could not renew the schedule lease'));
    }, Math.max(1, Math.floor(leaseMs / 3)));
    heartbeat.unref();
    abandon = () => {
      clearInterval(heartbeat);
      controller.abort(new Error(`schedule ${name}: abandoned at shutdown`));
    };
    const started = performance.now();
    metrics.running.set(labels, 1);
    metrics.lastRun.set(labels, Date.now() / 1000);
    let failure: string | undefined;
    try {
      await handler({ schedule: name, slot, fence, signal: controller.signal, assertStillOwner: (client) => assertFence(client, name, fence) });
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      metrics.failures.inc(labels);
      logger.error({ err: error, fence, slot }, 'scheduled run failed');
    } finally {
      clearInterval(heartbeat);
      abandon = undefined;
    }
    const durationMs = performance.now() - started;
    metrics.lastDuration.set(labels, durationMs / 1000);
    metrics.running.set(labels, 0);
    await finishClaim(pool, name, fence, { durationMs, error: failure })
      .catch((error: unknown) => logger.warn({ err: error, fence }, 'could not record the end of the scheduled run; its lease runs out by itself'));
  };

  const attempt = (slot: Date): Promise<void> => {
    inFlight = (async () => {
      const claim = await claimSlot(pool, { name, slot, owner, leaseMs })
        .catch((error: unknown) => { logger.warn({ err: error, slot }, 'could not claim the schedule tick; skipped'); return null; });
      if (!claim) return;
      logger.debug({ fence: claim.fence, slot }, 'scheduled run claimed');
      await runClaimed(slot, claim.fence);
    })().finally(() => { inFlight = undefined; });
    return inFlight;
  };

  const wait = (slot: Date) => {
    if (stopped) return;
    const remaining = slot.getTime() - Date.now();
    timer = remaining > 0
      ? setTimeout(() => wait(slot), Math.min(remaining, MAX_TIMER_MS))
      : setTimeout(() => void attempt(slot).finally(arm), 0);
  };

  function arm(): void {
    if (stopped) return;
    next = nextRunAfter(new Date());
    if (!next) {
      logger.info('schedule has no further ticks');
      return;
    }
    metrics.nextRun.set(labels, next.getTime() / 1000);
    wait(next);
  }

  if (options.runAtStart) void attempt(new Date()).finally(arm);
  else arm();

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    next = null;
    const running = inFlight;
    if (!running) return;
    let timeout: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      running.then(() => true),
      new Promise<boolean>((resolve) => { timeout = setTimeout(() => resolve(false), stopTimeoutMs); }),
    ]);
    clearTimeout(timeout);
    if (!finished) {
      logger.warn({ stopTimeoutMs }, 'scheduled run still going at shutdown; abandoned (its lease runs out by itself)');
      abandon?.();
    }
  };
  deps.shutdown.add(`schedule ${name}`, stop);
  return { nextRun: () => next, stop };
}
