import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { ServiceMetrics } from '../metrics.ts';
import { isLoopback } from './loopback.ts';

function tokenMatches(req: Request, token: string | undefined): boolean {
  if (!token) return false;
  const given = Buffer.from(req.get('authorization')?.replace(/^Bearer /, '') ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Prometheus scrape endpoint: loopback, or a bearer token when one is configured. */
export function metricsHandler(metrics: ServiceMetrics, token: string | undefined): RequestHandler {
  return async (req, res) => {
    if (!isLoopback(req) && !tokenMatches(req, token)) {
      res.status(403).type('text/plain').send('metrics are readable from loopback or with METRICS_TOKEN\n');
      return;
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}

/** Observes latency per route template (not per URL, so ids don't explode the label set). */
export function httpMetricsMiddleware(metrics: ServiceMetrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const routePath = req.route?.path as string | undefined;
      const route = routePath ? `${req.baseUrl}${routePath}` : res.statusCode === 404 ? 'unmatched' : req.baseUrl || req.path;
      stop({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
