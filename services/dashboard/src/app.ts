import { createServiceApp, type ServiceContext } from '@doitcrm/kit';
import type { DashboardConfig } from './config.ts';
import { dashboardApi } from './entry-points/api/dashboard-api.ts';
import { createAlertRoutes } from './entry-points/api/alert-routes.ts';
import { createClassRoutes } from './entry-points/api/class-routes.ts';
import { createExportRoutes } from './entry-points/api/export-routes.ts';
import { createOverviewRoutes } from './entry-points/api/overview-routes.ts';
import { createSettingsRoutes } from './entry-points/api/settings-routes.ts';

/** The dashboard's HTTP app, without listening (tests drive it directly). */
export function createDashboardApp(context: ServiceContext<DashboardConfig>) {
  return createServiceApp(context, {
    serviceRoot: new URL('..', import.meta.url),
    routes: [
      createOverviewRoutes(context),
      createClassRoutes(context),
      createAlertRoutes(context),
      createSettingsRoutes(context),
      createExportRoutes(context),
    ],
    docs: dashboardApi,
  });
}
