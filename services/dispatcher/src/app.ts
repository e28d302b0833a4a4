import { createServiceApp, type ServiceContext } from '@doitcrm/kit';
import type { DispatcherConfig } from './config.ts';
import { createAlertRuleRoutes } from './entry-points/api/alert-rule-routes.ts';
import { DEFAULT_DISPATCH_SETTINGS, type DispatchSettings } from './domain/dispatch-settings.ts';
import { dispatcherApi } from './entry-points/api/dispatcher-api.ts';
import { createMessageRoutes } from './entry-points/api/message-routes.ts';
import { createMonitorRoutes } from './entry-points/api/monitor-routes.ts';
import { createReceiptRoutes } from './entry-points/api/receipt-routes.ts';
import { SEND_BATCH_JSON_LIMIT, SEND_JSON_LIMIT } from './entry-points/api/schemas.ts';
import { createTemplateRoutes } from './entry-points/api/template-routes.ts';

export interface DispatcherAppDeps {
  /** the hot configuration as it is now (the settings watcher's `current`) */
  settings: () => DispatchSettings;
  now: () => Date;
  /** messages were committed as queued: wake the outbox relay */
  queued: () => void;
  /** how long a receipt may wait for its send record before it counts as unknown (RECEIPT_GRACE_SECONDS) */
  receiptGraceSeconds?: number;
}

/** The dispatcher's HTTP app, without listening (tests drive it directly). */
export function createDispatcherApp(context: ServiceContext<DispatcherConfig>, deps: Partial<DispatcherAppDeps> = {}) {
  const messageDeps = {
    settings: deps.settings ?? (() => DEFAULT_DISPATCH_SETTINGS),
    now: deps.now ?? (() => new Date()),
    queued: deps.queued ?? (() => {}),
  };
  return createServiceApp(context, {
    serviceRoot: new URL('..', import.meta.url),
    // SMS providers push delivery receipts without a session: the routes check DISPATCH_RECEIPT_TOKEN themselves
    publicRoutes: [createReceiptRoutes(context, deps.receiptGraceSeconds === undefined ? {} : { unknownAfterSeconds: deps.receiptGraceSeconds })],
    routes: [createTemplateRoutes(context), createMessageRoutes(context, messageDeps), createMonitorRoutes(context), createAlertRuleRoutes(context)],
    docs: dispatcherApi,
    jsonLimits: { '/messages/send': SEND_JSON_LIMIT, '/messages/send-batch': SEND_BATCH_JSON_LIMIT },
  });
}
