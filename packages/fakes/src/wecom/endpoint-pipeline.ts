import type { Request, Response } from 'express';
import type { CallLog } from './call-log.ts';
import type { ErrorInjector } from './error-injection.ts';
import type { EndpointInput, FakeEndpoint } from './fake-endpoint.ts';
import type { TokenRegistry } from './token-registry.ts';
import type { TrafficLimits } from './traffic-limits.ts';
import { errmsgFor, WecomFakeFailure } from './wecom-errmsg.ts';
import type { WecomFakeState } from './wecom-fake-state.ts';

export interface PipelineParts {
  state: WecomFakeState;
  tokens: TokenRegistry;
  injector: ErrorInjector;
  limits: TrafficLimits;
  calls: CallLog;
  now(): number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function endpointInput(req: Request): EndpointInput {
  const body: unknown = req.body;
  return {
    query: req.query as Record<string, unknown>,
    body: typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {},
  };
}

/** Answers a WeCom business error the documented way: HTTP 200, `{errcode, errmsg}`, and logs the call. */
export function answerError(parts: PipelineParts, req: Request, res: Response, logged: { endpoint: string; ids: string[] }, errcode: number, text?: string): void {
  const at = parts.now();
  parts.calls.record({ endpoint: logged.endpoint, method: req.method, at, ids: logged.ids, errcode });
  res.status(200).json({ errcode, errmsg: errmsgFor(errcode, req.ip ?? '', at, text) });
}

/**
 * Every API call passes the same checks WeCom makes, in this order: method (POST APIs refuse GET with 40058),
 * access token (41001 missing / 40014 unknown or revoked / 42001 expired), trusted IP (60020), the secret's
 * permission (48002), the rate window (45009), calls in flight (45033), injected errors, then the answer.
 */
export function endpointHandler(endpoint: FakeEndpoint, parts: PipelineParts) {
  return async (req: Request, res: Response): Promise<void> => {
    const input = endpointInput(req);
    const logged = { endpoint: endpoint.path, ids: endpoint.ids(input) };
    const fail = (errcode: number, text?: string) => answerError(parts, req, res, logged, errcode, text);
    const { state } = parts;

    if (endpoint.method === 'POST' && req.method !== 'POST') return fail(40058, 'invalid parameter: this API takes POST');
    const token = typeof req.query.access_token === 'string' ? req.query.access_token : undefined;
    const checked = parts.tokens.check(token, parts.now());
    if (!checked.ok) return fail(checked.errcode);
    if (!state.ipTrusted) return fail(60020);
    const app = state.apps[checked.app];
    const allowed = app.allowed === 'all' || app.allowed.has(endpoint.path);
    if (!allowed) return fail(48002);
    const limited = parts.limits.admitRate(endpoint.path, parts.now(), state.rateLimit);
    if (limited) return fail(limited);
    if (!parts.limits.enter(endpoint.path, state.maxConcurrentPerEndpoint)) return fail(45033);
    try {
      const injected = parts.injector.match(endpoint.path, logged.ids);
      if (injected) return fail(injected.errcode, injected.errmsg);
      if (state.latencyMs > 0) await sleep(state.latencyMs);
      const answer = endpoint.handle({ ...input, directory: state.directory, app: checked.app });
      parts.calls.record({ endpoint: endpoint.path, method: req.method, at: parts.now(), ids: logged.ids, errcode: 0 });
      res.status(200).json({ errcode: 0, errmsg: 'ok', ...answer });
    } catch (error) {
      if (error instanceof WecomFakeFailure) return fail(error.errcode, error.text);
      throw error;
    } finally {
      parts.limits.leave(endpoint.path);
    }
  };
}
