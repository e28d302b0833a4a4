import type { Logger, Pool } from '@doitcrm/kit';
import { releaseDueMessages } from '../data-access/message-repository.ts';
import { DrainLoop } from './drain-loop.ts';

/**
 * Moves held messages whose time came (send_at, the end of quiet hours, a limit's retry time for deferred ones) to
 * queued with their outbox rows, in batches, and nudges the relay when it moved any. Holds live in PostgreSQL, not in
 * RabbitMQ delays: they can be hours long, survive restarts and stay visible and cancellable in the table.
 */
export function createDuePoller(deps: { pool: Pool; logger: Logger; released: () => void; intervalMs?: number; batchSize?: number }): DrainLoop {
  const batchSize = deps.batchSize ?? 1_000;
  return new DrainLoop({
    name: 'dispatch due poller',
    logger: deps.logger,
    intervalMs: deps.intervalMs ?? 1_000,
    pass: async () => {
      const handled = await releaseDueMessages(deps.pool, batchSize);
      if (handled > 0) {
        deps.logger.info({ released: handled }, 'held messages came due and were queued');
        deps.released();
      }
      return { handled, more: handled === batchSize };
    },
  });
}
