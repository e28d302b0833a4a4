import { createServiceApp, type ServiceContext } from '@doitcrm/kit';
import type { DispatcherConfig } from './config.ts';
import { createAlertRuleRoutes } from './entry-points/api/alert-rule-routes.ts';
import { dispatcherApi } from './entry-points/api/dispatcher-api.ts';
import { createTemplateRoutes } from './entry-points/api/template-routes.ts';

/** The dispatcher's HTTP app, without listening (tests drive it directly). */
export function createDispatcherApp(context: ServiceContext<DispatcherConfig>) {
  return createServiceApp(context, {
    serviceRoot: new URL('..', import.meta.url),
    routes: [createTemplateRoutes(context), createAlertRuleRoutes(context)],
    docs: dispatcherApi,
  });
}
