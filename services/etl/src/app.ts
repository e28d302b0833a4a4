import { createServiceApp, type ServiceContext } from '@doitcrm/kit';
import type { EtlConfig } from './config.ts';
import { etlApi } from './entry-points/api/etl-api.ts';
import { createEtlRoutes } from './entry-points/api/etl-routes.ts';

export function createEtlApp(context: ServiceContext<EtlConfig>) {
  return createServiceApp(context, { serviceRoot: new URL('..', import.meta.url), routes: [createEtlRoutes(context)], docs: etlApi });
}
