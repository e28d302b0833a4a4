import { promClient, type ServiceMetrics } from '@doitcrm/kit';

export interface CallbackMetrics {
  /** verified and stored or deduplicated, by outcome: stored | duplicate */
  received: promClient.Counter<'outcome'>;
  /** refused before anything was stored, by reason: signature | receive_id | stale | malformed | replay | too_large */
  refused: promClient.Counter<'reason'>;
  /** applied by the poller, by outcome: applied | not_applied | failed */
  applied: promClient.Counter<'outcome'>;
  /** unapplied inbox rows and the age of the oldest, set by the poller */
  inboxPending: promClient.Gauge;
  inboxLagSeconds: promClient.Gauge;
}

const byRegistry = new WeakMap<ServiceMetrics['registry'], CallbackMetrics>();

/** One set per registry: the HTTP routes and the applier of a process share it. */
export function callbackMetrics(registry: ServiceMetrics['registry']): CallbackMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = {
      received: new promClient.Counter({
        name: 'contacts_callbacks_received_total', help: 'WeCom callbacks verified, by outcome (stored, duplicate)', labelNames: ['outcome'] as const, registers: [registry],
      }),
      refused: new promClient.Counter({
        name: 'contacts_callbacks_refused_total', help: 'WeCom callbacks refused before storing, by reason', labelNames: ['reason'] as const, registers: [registry],
      }),
      applied: new promClient.Counter({
        name: 'contacts_callbacks_applied_total', help: 'Inbox rows the applier finished or failed, by outcome (applied, not_applied, failed)',
        labelNames: ['outcome'] as const, registers: [registry],
      }),
      inboxPending: new promClient.Gauge({ name: 'contacts_callback_inbox_pending', help: 'Stored callbacks not applied yet', registers: [registry] }),
      inboxLagSeconds: new promClient.Gauge({
        name: 'contacts_callback_inbox_lag_seconds', help: 'Age of the oldest stored callback not applied yet (0 when none)', registers: [registry],
      }),
    };
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
