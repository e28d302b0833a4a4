import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import { createApp, type ServiceContext } from '@doitcrm/kit';
import type { MapperConfig } from './config.ts';
import { createMappingRoutes } from './entry-points/api/mapping-routes.ts';

const serviceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The mapper's HTTP app; routers of its other features (nickname jobs, suggestions) are mounted beside the mappings. */
export function createMapperApp(context: ServiceContext<MapperConfig>, extraRouters: Router[] = []) {
  const api = Router();
  api.use(createMappingRoutes(context));
  for (const router of extraRouters) api.use(router);
  api.use(context.jobRoutes.router);
  return createApp({
    service: 'mapper',
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
