import { promClient, type Logger, type Pool, type ServiceMetrics } from '@doitcrm/kit';
import { settleReceipts, storeReceipts } from '../data-access/receipt-repository.ts';
import type { DeliveryReceipt, ReceiptProvider } from './receipt-formats.ts';

const metricsByRegistry = new WeakMap<ServiceMetrics['registry'], promClient.Counter<'provider' | 'outcome'>>();

/**
 * `dispatch_receipts_total{provider,outcome}`: stored (new), replayed (the same receipt again, nothing changed),
 * applied (matched to its sent message), unknown (no message of ours claimed it within the grace period), refused
 * (wrong token or malformed). One per registry: the app and the settle loop of a process share it.
 */
export function receiptMetrics(registry: ServiceMetrics['registry']): promClient.Counter<'provider' | 'outcome'> {
  let counter = metricsByRegistry.get(registry);
  if (!counter) {
    counter = new promClient.Counter({
      name: 'dispatch_receipts_total',
      help: 'SMS delivery receipt items by provider and outcome (stored, replayed, applied, unknown, refused)',
      labelNames: ['provider', 'outcome'] as const,
      registers: [registry],
    });
    metricsByRegistry.set(registry, counter);
  }
  return counter;
}

/** How long a receipt may wait for its send record before it counts as unknown (a crashed worker's record comes back via its lease). */
export const RECEIPT_GRACE_SECONDS = 600;
const SETTLE_BATCH = 1_000;

export interface ReceiptDeps {
  pool: Pool;
  logger: Logger;
  counter: promClient.Counter<'provider' | 'outcome'>;
  unknownAfterSeconds?: number;
}

/** One settle pass, counted. */
export async function settlePendingReceipts(deps: ReceiptDeps): Promise<{ handled: number; more: boolean }> {
  const result = await settleReceipts(deps.pool, { batchSize: SETTLE_BATCH, unknownAfterSeconds: deps.unknownAfterSeconds ?? RECEIPT_GRACE_SECONDS });
  for (const [provider, n] of Object.entries(result.applied)) deps.counter.inc({ provider, outcome: 'applied' }, n);
  for (const [provider, n] of Object.entries(result.unknown)) {
    deps.counter.inc({ provider, outcome: 'unknown' }, n);
    deps.logger.warn({ provider, receipts: n }, 'delivery receipts matched no sent message of ours: counted as unknown');
  }
  const total = (counts: Partial<Record<string, number>>) => Object.values(counts).reduce((sum: number, n) => sum + (n ?? 0), 0);
  const handled = total(result.applied) + total(result.unknown);
  // a full batch of receipts that still wait for their messages is no reason to go round again at once
  return { handled, more: result.more && handled > 0 };
}

/**
 * A provider's push: every item stored once (a replay stores nothing and changes nothing), then matched to sent
 * messages at once where their send record is there; the rest wait for the settle loop. Undelivered receipts are
 * recorded, never resent by themselves: the provider accepted (and charged) the message; a person retries it from the
 * page if they want it sent again.
 */
export async function acceptReceipts(deps: ReceiptDeps, provider: ReceiptProvider, receipts: readonly DeliveryReceipt[]): Promise<{ stored: number; replayed: number }> {
  const stored = await storeReceipts(deps.pool, receipts);
  deps.counter.inc({ provider, outcome: 'stored' }, stored);
  if (receipts.length > stored) deps.counter.inc({ provider, outcome: 'replayed' }, receipts.length - stored);
  if (stored > 0) await settlePendingReceipts(deps);
  return { stored, replayed: receipts.length - stored };
}
