import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, type ServiceContext } from '@doitcrm/kit';
import type { EtlConfig } from './config.ts';
import { createEtlRoutes } from './entry-points/api/etl-routes.ts';

const serviceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function createEtlApp(context: ServiceContext<EtlConfig>) {
  return createApp({
    service: 'etl',
    logger: context.logger,
    metrics: context.metrics,
    auth: context.auth,
    readiness: context.readiness,
    api: createEtlRoutes(context),
    webDir: path.join(serviceRoot, 'dist', 'web'),
    openApiFile: path.join(serviceRoot, 'openapi.yaml'),
    metricsToken: context.config.METRICS_TOKEN,
  });
}
