import type { Router } from 'express';
import { createServiceApp, type ServiceContext } from '@doitcrm/kit';
import type { MapperConfig } from './config.ts';
import { mapperApi } from './entry-points/api/mapper-api.ts';
import { createMappingRoutes } from './entry-points/api/mapping-routes.ts';
import { EXTRACT_QUEUE } from './entry-points/queue/extract-consumer.ts';
import { FETCH_NAMES_QUEUE } from './entry-points/queue/fetch-names-consumer.ts';

/** The mapper's HTTP app; routers of its other features (nickname jobs, suggestions) are mounted beside the mappings. */
export function createMapperApp(context: ServiceContext<MapperConfig>, extraRouters: Router[] = []) {
  return createServiceApp(context, {
    serviceRoot: new URL('..', import.meta.url),
    routes: [createMappingRoutes(context), ...extraRouters, context.jobRoutes.routerFor([EXTRACT_QUEUE, FETCH_NAMES_QUEUE])],
    docs: mapperApi,
  });
}
