import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Router, type Express } from 'express';
import { authApi } from '../auth/auth-api.ts';
import type { ServiceContext } from '../service.ts';
import type { BareRoute } from './bare-routes.ts';
import { buildOpenApiDocument, type ApiDocs } from './api-docs.ts';
import { createApp } from './app.ts';

export interface ServiceAppOptions {
  /** The service's folder, holding the built page in dist/web: `new URL('..', import.meta.url)` from src/. */
  serviceRoot: URL;
  /** Mounted under /api in this order, behind the login check. */
  routes: Router[];
  /** The routes above as declared (paths, schemas, roles): /docs is generated from them; the login routes are added. */
  docs: ApiDocs;
  /** Mounted under /api before the login check: routes that authenticate their callers themselves (AppOptions.publicApi). */
  publicRoutes?: Router[];
  /** Answered before every middleware: a provider's high-rate, self-authenticated push (AppOptions.bareRoutes). */
  bareRoutes?: readonly BareRoute[];
  /** larger JSON body limits for a few routes (see AppOptions.jsonLimits) */
  jsonLimits?: Readonly<Record<string, string>>;
}

/** A service's app wired from its context: its name, logger, metrics, login, readiness checks and metrics token. */
export function createServiceApp(context: ServiceContext, options: ServiceAppOptions): Express {
  const serviceRoot = fileURLToPath(options.serviceRoot);
  const api = Router();
  for (const routes of options.routes) api.use(routes);
  return createApp({
    service: context.name,
    logger: context.logger,
    metrics: context.metrics,
    auth: context.auth,
    readiness: context.readiness,
    api,
    webDir: path.join(serviceRoot, 'dist', 'web'),
    openApiDocument: buildOpenApiDocument({ ...options.docs, routes: [...authApi, ...options.docs.routes] }),
    metricsToken: context.config.METRICS_TOKEN,
    cookieSecure: context.config.COOKIE_SECURE,
    ownOrigins: context.config,
    ...(options.jsonLimits ? { jsonLimits: options.jsonLimits } : {}),
    ...(options.bareRoutes?.length ? { bareRoutes: options.bareRoutes } : {}),
    ...(options.publicRoutes?.length ? { publicApi: Router().use(...options.publicRoutes) } : {}),
  });
}
