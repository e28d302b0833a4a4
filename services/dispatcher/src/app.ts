import { createServiceApp, type ServiceContext } from '@doitcrm/kit';
import type { DispatcherConfig } from './config.ts';
import { DEFAULT_DISPATCH_SETTINGS, type DispatchSettings } from './domain/dispatch-settings.ts';
import { dispatcherApi } from './entry-points/api/dispatcher-api.ts';
import { createMessageRoutes } from './entry-points/api/message-routes.ts';
import { SEND_BATCH_JSON_LIMIT, SEND_JSON_LIMIT } from './entry-points/api/schemas.ts';
import { createTemplateRoutes } from './entry-points/api/template-routes.ts';

export interface DispatcherAppDeps {
  /** the hot configuration as it is now (the settings watcher's `current`) */
  settings: () => DispatchSettings;
  now: () => Date;
  /** messages were committed as queued: wake the outbox relay */
  queued: () => void;
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
    routes: [createTemplateRoutes(context), createMessageRoutes(context, messageDeps)],
    docs: dispatcherApi,
    jsonLimits: { '/messages/send': SEND_JSON_LIMIT, '/messages/send-batch': SEND_BATCH_JSON_LIMIT },
  });
}
