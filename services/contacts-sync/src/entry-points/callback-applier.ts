import { withTransaction, type ServiceContext } from '@doitcrm/kit';
import type { ContactsSyncConfig } from '../config.ts';
import { claimDueCallbacks, countApplies, inboxBacklog, markApplied, markFailed } from '../data-access/callback-inbox.ts';
import { applyCallback, readEvent, type CallbackClient } from '../domain/apply-callback.ts';
import { callbackMetrics } from '../domain/callback-metrics.ts';

/** inbox rows applied in one transaction */
const APPLY_GROUP = 100;

/**
 * While callbacks keep arriving (one stored within BUSY_MS), the applier rests YIELD_FACTOR times as long as its last
 * group took before the next: applying cost more CPU per event than answering it (bench: 1.9 ms against 1.5 ms at
 * load 11), and WeCom waits on the answer (5 s, then retries) while nobody waits on the apply. So during a burst the
 * requests get about three quarters of the process and the inbox catches up when it ends; a steady trickle is applied
 * at once as before.
 */
const BUSY_MS = 100;
const YIELD_FACTOR = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Back-off after the nth failure: 5 s, 10 s, 20 s … capped at one hour (a WeCom outage must not spin). */

export const retryDelaySeconds = (attempt: number): number => Math.min(3600, 5 * 2 ** Math.max(0, attempt - 1));

export interface CallbackApplier {
  /** look now (the callback route calls it right after a store, so an event is applied within milliseconds); also marks callbacks as arriving (BUSY_MS) */
  wake(): void;
  /** finishes the group in hand, then stops; nothing is lost: unapplied rows wait in the inbox for the next start */
  stop(): Promise<void>;
  /** applies everything due now (tests) */
  drain(): Promise<number>;
}

/**
 * The applier: a poller over unapplied inbox rows (FOR UPDATE SKIP LOCKED), chosen over a RabbitMQ hop because the
 * inbox row already is the durable work item — a publish after the store's commit could be lost in a crash and need
 * an outbox poll of its own, while the row cannot be lost, replicas share it without coordination, and a failed row
 * simply gets a later next_attempt_at. Rows are applied in groups, each group in one transaction with its writes,
 * its events (outbox) and its inbox marks, so a crash anywhere leaves the group unapplied and it is applied after the restart.
 */
export function startCallbackApplier(context: ServiceContext<ContactsSyncConfig>, client: CallbackClient): CallbackApplier {
  const metrics = callbackMetrics(context.metrics.registry);
  const timezone = context.config.DISPLAY_TIMEZONE;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;
  let again = false;
  let lastStoredAt = -Infinity;

  // one transaction per group, not per row: 10,000 rows one at a time took ~70 s, most of it commits and the day
  // row's count; a crash rolls the whole group back and every row of it is applied again (applying is idempotent)
  const applyGroup = async (): Promise<number> => withTransaction(context.pool, async (tx) => {
    const rows = await claimDueCallbacks(tx, APPLY_GROUP);
    const applied: Parameters<typeof markApplied>[1][number][] = [];
    const counts = { applied: 0, errors: 0, delaySum: 0, delayMax: 0 };
    for (const row of rows) {
      const { event, error: unreadable, ...types } = readEvent(row.rawPlaintext);
      // each row in a savepoint of its own: a failing event rolls back only its writes, the group goes on
      await tx.query('SAVEPOINT apply');
      try {
        if (!event) throw unreadable;
        const { outcome, note } = await applyCallback(tx, client, event);
        await tx.query('RELEASE SAVEPOINT apply');
        applied.push({ id: row.id, outcome, note, ...types });
        if (outcome === 'applied') {
          const delay = (Date.now() - row.receivedAt.getTime()) / 1000;
          counts.applied += 1;
          counts.delaySum += delay;
          counts.delayMax = Math.max(counts.delayMax, delay);
        }
        metrics.applied.inc({ outcome });
      } catch (error) {
        await tx.query('ROLLBACK TO SAVEPOINT apply');
        const message = error instanceof Error ? error.message : String(error);
        const delay = retryDelaySeconds(row.attempts + 1);
        await markFailed(tx, row.id, message, delay, types);
        counts.errors += 1;
        metrics.applied.inc({ outcome: 'failed' });
        context.logger.warn({ inboxId: row.id, attempts: row.attempts + 1, retryInSeconds: delay, err: message }, 'WeCom callback not applied; retried later');
      }
    }
    await markApplied(tx, applied);
    await countApplies(tx, timezone, counts);
    return rows.length;
  });

  const drain = async (): Promise<number> => {
    let done = 0;
    for (let n = 1; !stopped && n > 0;) {
      const started = performance.now();
      n = await applyGroup();
      done += n;
      if (n > 0 && performance.now() - lastStoredAt < BUSY_MS) await sleep((performance.now() - started) * YIELD_FACTOR);
    }
    const backlog = await inboxBacklog(context.pool);
    metrics.inboxPending.set(backlog.pending);
    metrics.inboxLagSeconds.set(backlog.oldestSeconds);
    return done;
  };

  const tick = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = drain()
      .catch((error: unknown) => {
        context.logger.error({ err: error }, 'callback applier pass failed; next poll retries');
        return 0;
      })
      .finally(() => {
        running = null;
        if (stopped) return;
        if (again) {
          again = false;
          setImmediate(tick);
        } else timer = setTimeout(tick, context.config.CONTACTS_CALLBACK_POLL_MS);
      });
  };

  const applier: CallbackApplier = {
    wake: () => {
      lastStoredAt = performance.now();
      tick();
    },
    drain: async () => {
      await running;
      return drain();
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
  context.shutdown.add('contacts callback applier', () => applier.stop());
  tick();
  return applier;
}
