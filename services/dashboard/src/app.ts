import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import { createApp, type ServiceContext } from '@doitcrm/kit';
import type { DashboardConfig } from './config.ts';
import { createAlertRoutes } from './entry-points/api/alert-routes.ts';
import { createClassRoutes } from './entry-points/api/class-routes.ts';
import { createExportRoutes } from './entry-points/api/export-routes.ts';
import { createOverviewRoutes } from './entry-points/api/overview-routes.ts';
import { createSettingsRoutes } from './entry-points/api/settings-routes.ts';

const serviceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The dashboard's HTTP app, without listening (tests drive it directly). */
export function createDashboardApp(context: ServiceContext<DashboardConfig>) {
  const api = Router();
  api.use(createOverviewRoutes(context));
  api.use(createClassRoutes(context));
  api.use(createAlertRoutes(context));
  api.use(createSettingsRoutes(context));
  api.use(createExportRoutes(context));
  return createApp({
    service: 'dashboard',
    logger: context.logger,
    metrics: context.metrics,
    auth: context.auth,
    readiness: context.readiness,
    api,
    webDir: path.join(serviceRoot, 'dist', 'web'),
    openApiFile: path.join(serviceRoot, 'openapi.yaml'),
    metricsToken: context.config.METRICS_TOKEN,
  });
}
