import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import { createApp, type ServiceContext } from '@doitcrm/kit';
import type { MessagesConfig } from './config.ts';
import { createCohortRoutes } from './entry-points/api/cohort-routes.ts';
import { createPersonRoutes } from './entry-points/api/person-routes.ts';
import { createRoomRoutes } from './entry-points/api/room-routes.ts';
import { createSearchRoutes } from './entry-points/api/search-routes.ts';

const serviceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The messages HTTP app without listening; the summary routes (they need the Coze client) are mounted beside. */
export function createMessagesApp(context: ServiceContext<MessagesConfig>, extraRouters: Router[] = []) {
  const api = Router();
  api.use(createPersonRoutes(context));
  api.use(createRoomRoutes(context));
  api.use(createSearchRoutes(context));
  api.use(createCohortRoutes(context));
  for (const router of extraRouters) api.use(router);
  api.use(context.jobRoutes.router);
  return createApp({
    service: 'messages',
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
