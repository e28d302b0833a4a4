import { createServiceApp, type ServiceContext } from '@doitcrm/kit';
import type { RosterConfig } from './config.ts';
import { createEditRoutes } from './entry-points/api/edit-routes.ts';
import { createExportRoutes } from './entry-points/api/export-routes.ts';
import { createImportRoutes } from './entry-points/api/import-routes.ts';

export function createRosterApp(context: ServiceContext<RosterConfig>) {
  return createServiceApp(context, {
    serviceRoot: new URL('..', import.meta.url),
    routes: [createImportRoutes(context), createEditRoutes(context), createExportRoutes(context)],
  });
}
