import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery, type ParsedUrlQuery } from 'node:querystring';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger.ts';
import type { ServiceMetrics } from '../metrics.ts';

/**
 * A route answered before every middleware of the app (request context, helmet, cross-site check, session, JSON
 * parser): for a provider's push at a high rate that authenticates itself (a signature) and answers an empty body to
 * a machine, where that stack was most of the CPU a request cost. It still counts in /metrics
 * (`http_request_duration_seconds`, its own route label). It speaks node's http API only: it reads its own body
 * (`readBareBody`) and writes its own answer.
 */
export interface BareRoute {
  method: 'GET' | 'POST';
  /** the whole path, e.g. `/api/v1/wecom/callback`; matched exactly, query string aside */
  path: string;
  handle(request: BareRequest, res: ServerResponse): Promise<void>;
}

export interface BareRequest {
  raw: IncomingMessage;
  /** the query string as node's querystring parses it: a repeated key is an array (as Express's simple parser) */
  query: ParsedUrlQuery;
}

/** Answers a request when it matches a bare route (true), else leaves it alone (false). */
export type BareDispatch = (req: IncomingMessage, res: ServerResponse) => boolean;

function bareDispatch(routes: readonly BareRoute[], metrics: ServiceMetrics, logger: Logger): BareDispatch {
  const byKey = new Map(routes.map((route) => [`${route.method} ${route.path}`, route]));
  return (req, res) => {
    const url = req.url ?? '/';
    const mark = url.indexOf('?');
    const route = byKey.get(`${req.method} ${mark === -1 ? url : url.slice(0, mark)}`);
    if (!route) return false;
    const stop = metrics.httpDuration.startTimer();
    res.once('finish', () => stop({ method: route.method, route: route.path, status: String(res.statusCode) }));
    const query = mark === -1 ? {} : parseQuery(url.slice(mark + 1));
    route.handle({ raw: req, query }, res).catch((error: unknown) => {
      logger.error({ err: error, route: route.path }, 'bare route failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end();
    });
    return true;
  };
}

// the app's bare routes as the server sees them: `listen` answers them before Express, whose own request set-up
// (prototype swaps, its router's matching) cost about a tenth of a callback's CPU at 1,000 a second
const serverDispatch = new WeakMap<object, BareDispatch>();

/** What `listen` puts before the app for its bare routes, if it has any. */
export const bareDispatchOf = (app: object): BareDispatch | undefined => serverDispatch.get(app);

/**
 * The first handler of the app: a request matching a bare route goes to it and nowhere else. The server answers
 * them before the app (bareDispatchOf); this handler serves the app driven directly (supertest in the tests).
 */
export function bareRouteDispatcher(app: object, routes: readonly BareRoute[], metrics: ServiceMetrics, logger: Logger): RequestHandler {
  const handle = bareDispatch(routes, metrics, logger);
  serverDispatch.set(app, handle);
  const dispatch: RequestHandler = (req, res, next) => {
    if (!handle(req, res)) next();
  };
  // named on the handler, so the docs check (testing/api-docs-check.ts) sees them among the app's routes
  return Object.assign(dispatch, { bareRoutes: routes.map(({ method, path }) => ({ method, path })) });
}

/**
 * The body as UTF-8 text, or `null` when it is longer than `limitBytes` (declared or sent): then the rest is read
 * and dropped, so the connection stays usable for the answer.
 */
export function readBareBody(req: IncomingMessage, limitBytes: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limitBytes) {
      req.resume();
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.off('data', onData);
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(size > limitBytes ? null : Buffer.concat(chunks, size).toString('utf8')));
    req.once('error', reject);
  });
}
