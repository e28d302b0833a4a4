import { createServiceApp, type ServiceContext } from '@doitcrm/kit';
import type { WecomClient } from '@doitcrm/wecom';
import type { ContactsSyncConfig } from './config.ts';
import { createCallbackRoutes } from './entry-points/api/callback-routes.ts';
import { createMonitorRoutes } from './entry-points/api/monitor-routes.ts';
import { createContactRoutes } from './entry-points/api/contact-routes.ts';
import { contactsSyncApi } from './entry-points/api/contacts-sync-api.ts';
import { createScheduleRoutes } from './entry-points/api/schedule-routes.ts';
import { createSyncRoutes } from './entry-points/api/sync-routes.ts';
import { SYNC_QUEUE } from './domain/request-sync.ts';

/**
 * contacts-sync's HTTP app, without listening (tests drive it directly). `wecom` is null when WeCom is not configured;
 * `onCallbackStored` wakes the callback applier.
 */
export function createContactsSyncApp(context: ServiceContext<ContactsSyncConfig>, wecom: WecomClient | null, onCallbackStored?: () => void) {
  const callbacks = createCallbackRoutes(context, onCallbackStored);
  return createServiceApp(context, {
    serviceRoot: new URL('..', import.meta.url),
    // the callback is authenticated by WeCom's signature, not a session (spec external-apis.md §1.10)
    bareRoutes: callbacks.bare,
    ...(callbacks.router ? { publicRoutes: [callbacks.router] } : {}),
    routes: [createSyncRoutes(context, wecom), createScheduleRoutes(context), createContactRoutes(context), createMonitorRoutes(context), context.jobRoutes.routerFor([SYNC_QUEUE])],
    docs: contactsSyncApi,
  });
}
