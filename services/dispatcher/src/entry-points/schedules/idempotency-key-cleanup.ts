import { startSchedule, type ServiceContext } from '@doitcrm/kit';
import type { DispatcherConfig } from '../../config.ts';
import { deleteExpiredKeys } from '../../data-access/idempotency-repository.ts';

/** Idempotency-Keys are kept 24 hours (Stripe's retention); one instance removes the expired ones every hour. */
export function startIdempotencyKeyCleanup(context: ServiceContext<DispatcherConfig>): void {
  startSchedule(context, {
    name: 'dispatcher-idempotency-key-cleanup',
    everyMinutes: 60,
    handler: async () => {
      const deleted = await deleteExpiredKeys(context.pool);
      if (deleted > 0) context.logger.info({ deleted }, 'expired Idempotency-Keys removed');
    },
  });
}
