import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import type { Logger } from '../logger.ts';
import type { ServiceMetrics } from '../metrics.ts';
import { bareRouteDispatcher, type BareRoute } from './bare-routes.ts';
import { PayloadTooLargeError } from '../errors.ts';
import { refuseCrossSiteWrites, type OwnOriginSettings } from './cross-site.ts';
import { compressJsonAnswers } from './compress-json.ts';
import { createErrorHandler, notFoundHandler } from './error-handler.ts';
import { isLoopback } from './loopback.ts';
import { httpMetricsMiddleware, metricsHandler } from './metrics-routes.ts';
import { requestContextMiddleware } from './request-context.ts';
import { servePage } from './static-page.ts';
import { docsRouter } from './docs.ts';

/** What the app needs of the auth module: its login routes and the session check. */
export interface AuthGate {
  router: Router;
  requireUser: RequestHandler;
}

export type ReadinessCheck = { name: string; check: () => Promise<void> };

export interface AppOptions {
  service: string;
  logger: Logger;
  metrics: ServiceMetrics;
  auth: AuthGate;
  readiness: ReadinessCheck[];
  /** The service's routes, mounted under /api behind the login check. */
  api: Router;
  /**
   * Routes under /api that answer without a session (providers' pushes, which authenticate themselves: a token, a
   * signature). Mounted before the login check and before the shared JSON parser, so each parses its own body with
   * its own limit, after its own credential check.
   */
  publicApi?: Router;
  /**
   * Routes answered before any middleware (see bare-routes.ts): a provider's high-rate push that authenticates
   * itself and needs none of the page stack. Counted in /metrics like the rest.
   */
  bareRoutes?: readonly BareRoute[];
  /** Built page (index.html and assets) served at `/`. */
  webDir?: string;
  /** The OpenAPI document served at /docs (generated from the service's declared routes: see api-docs.ts). */
  openApiDocument?: Record<string, unknown>;
  metricsToken?: string;
  jsonLimit?: string;
  /**
   * Larger JSON limits for a few routes, by path under /api (`{ '/messages/send-batch': '10mb' }`). Their bodies are
   * read only after the login check, so nobody signed out can make the service parse megabytes.
   */
  jsonLimits?: Readonly<Record<string, string>>;
  /** COOKIE_SECURE: the installation is served over HTTPS, so browsers are told to keep to it (HSTS) */
  cookieSecure?: boolean;
  /** where our pages live (PUBLIC_HOSTS, PUBLIC_ORIGINS): writes sent by pages anywhere else are refused */
  ownOrigins: OwnOriginSettings;
}

// a year, as helmet's default; not includeSubDomains: other hosts under the school's domain are not ours to force to HTTPS
const HSTS = { maxAge: 365 * 24 * 3600, includeSubDomains: false };

/** Builds the Express app without listening, so tests drive it directly. */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  if (options.bareRoutes?.length) app.use(bareRouteDispatcher(app, options.bareRoutes, options.metrics, options.logger));
  app.use(requestContextMiddleware);
  app.use(helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Element Plus positions popovers with inline styles
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    // HSTS over plain HTTP would be ignored at best, and would lock users out of an HTTP-only installation at worst
    strictTransportSecurity: options.cookieSecure ? HSTS : false,
  }));
  app.use(httpMetricsMiddleware(options.metrics));
  app.use(refuseCrossSiteWrites(options.ownOrigins, options.logger));
  app.use(compressJsonAnswers);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: options.service });
  });
  app.get('/readyz', async (req, res) => {
    const results = await Promise.all(options.readiness.map(async ({ name, check }) => {
      try {
        await withTimeout(check(), 3_000);
        return { name, ok: true as const };
      } catch (error) {
        return { name, ok: false as const, error: error instanceof Error ? error.message : String(error) };
      }
    }));
    const ready = results.every((result) => result.ok);
    const answer = { status: ready ? 'ready' : 'not ready', service: options.service };
    // which dependency failed and why (host names, ports, driver messages) is for the operator on this machine
    res.status(ready ? 200 : 503).json(isLoopback(req) ? { ...answer, checks: results } : answer);
  });
  app.get('/metrics', metricsHandler(options.metrics, options.metricsToken));

  if (options.openApiDocument) app.use('/docs', redirectToLoginWhenSignedOut(options.auth.requireUser), docsRouter(options.openApiDocument));

  // the login routes parse their own small bodies, so they go first: once a larger parser has read a body, theirs
  // skips it, and an oversized login would reach the password check
  app.use('/api/auth', options.auth.router);
  if (options.publicApi) app.use('/api', options.publicApi);
  const largeBodies = largeBodyParsers(options.jsonLimits ?? {});
  const json = express.json({ limit: options.jsonLimit ?? '1mb' });
  app.use('/api', (req, res, next) => (largeBodies.has(req.path) ? next() : json(req, res, next)));
  app.use('/api', options.auth.requireUser, (req, res, next) => (largeBodies.get(req.path) ?? skip)(req, res, next), options.api);
  app.use('/api', notFoundHandler);

  if (options.webDir && fs.existsSync(path.join(options.webDir, 'index.html'))) {
    app.use(servePage(options.webDir));
  } else {
    app.get('/', (_req, res) => {
      res.status(503).type('text/plain; charset=utf-8').send('页面尚未构建：请运行 npm run build (page not built yet)\n');
    });
  }

  app.use(notFoundHandler);
  app.use(createErrorHandler(options.logger));
  return app;
}

const skip: RequestHandler = (_req, _res, next) => next();

/** One parser per listed path; a body past its limit is refused naming the limit, so the caller knows how far to split. */
function largeBodyParsers(limits: Readonly<Record<string, string>>): Map<string, RequestHandler> {
  return new Map(Object.entries(limits).map(([route, limit]) => {
    const parse = express.json({ limit });
    const handler: RequestHandler = (req, res, next) => parse(req, res, (error?: unknown) => {
      const tooLarge = (error as { type?: string } | undefined)?.type === 'entity.too.large';
      next(tooLarge ? new PayloadTooLargeError(`请求体过大：此接口上限 ${limit}`, [{ field: 'body', message: `limit ${limit}` }]) : error);
    });
    return [route, handler];
  }));
}

/** Pages (not APIs) send a signed-out visitor to the service's page, which shows the login form. */
function redirectToLoginWhenSignedOut(requireUser: RequestHandler): RequestHandler {
  return (req, res, next) => {
    void requireUser(req, res, (error?: unknown) => {
      if (error) res.redirect(302, '/');
      else next();
    });
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (error: unknown) => { clearTimeout(timer); reject(error); });
  });
}
