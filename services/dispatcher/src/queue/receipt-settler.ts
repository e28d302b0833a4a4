import type { Logger, Pool, ServiceMetrics } from '@doitcrm/kit';
import { receiptMetrics, settlePendingReceipts } from '../domain/delivery-receipts.ts';
import { DrainLoop } from './drain-loop.ts';

/**
 * Applies receipts that arrived before their message's send record was committed (a provider can push a receipt
 * within milliseconds of answering SendSms, while our worker still batches its record), and settles as unknown those
 * no message claimed within the grace period. The receipt route applies what it can at once; this is the rest.
 */
export function createReceiptSettler(deps: { pool: Pool; logger: Logger; registry: ServiceMetrics['registry']; intervalMs?: number; unknownAfterSeconds?: number }): DrainLoop {
  const counter = receiptMetrics(deps.registry);
  return new DrainLoop({
    name: 'dispatch receipt settler',
    logger: deps.logger,
    intervalMs: deps.intervalMs ?? 1_000,
    pass: () => settlePendingReceipts({
      pool: deps.pool, logger: deps.logger, counter, ...(deps.unknownAfterSeconds === undefined ? {} : { unknownAfterSeconds: deps.unknownAfterSeconds }),
    }),
  });
}
