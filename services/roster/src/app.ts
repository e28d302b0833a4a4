import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import { createApp, type ServiceContext } from '@doitcrm/kit';
import type { RosterConfig } from './config.ts';
import { createEditRoutes } from './entry-points/api/edit-routes.ts';
import { createExportRoutes } from './entry-points/api/export-routes.ts';
import { createImportRoutes } from './entry-points/api/import-routes.ts';

const serviceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function createRosterApp(context: ServiceContext<RosterConfig>) {
  const api = Router();
  api.use(createImportRoutes(context));
  api.use(createEditRoutes(context));
  api.use(createExportRoutes(context));
  return createApp({
    service: 'roster',
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
