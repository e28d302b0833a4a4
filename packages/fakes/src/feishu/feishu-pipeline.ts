import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { CallLog } from '../wecom/call-log.ts';
import { FeishuFakeFailure, type FakeBase, type FakeTable, type FeishuFakeState } from './feishu-fake-state.ts';
import type { FeishuEndpoint, FeishuInjector } from './feishu-injection.ts';
import type { FeishuRateLimits } from './feishu-rate-limits.ts';
import type { TenantTokens } from './tenant-tokens.ts';

export interface FeishuFakeContext {
  state: FeishuFakeState;
  tokens: TenantTokens;
  injector: FeishuInjector;
  calls: CallLog;
  now(): number;
  rateLimits: FeishuRateLimits;
}

export type EndpointHandler = (req: Request, ctx: FeishuFakeContext) => Promise<Record<string, unknown>> | Record<string, unknown>;

const logId = () => `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}${randomBytes(8).toString('hex').toUpperCase()}`;

/** Answers a failure as Feishu does: its HTTP status, `{code, msg, error: {log_id}}`, header `X-Tt-Logid` (§2.1). */
export function sendFailure(res: Response, failure: FeishuFakeFailure): void {
  const id = logId();
  const headers = (failure.extra.headers ?? {}) as Record<string, string>;
  res.status(failure.status).set({ ...headers, 'x-tt-logid': id }).json({ code: failure.code, msg: failure.msg, error: { log_id: id } });
}

/**
 * Every Bitable call passes the same checks, in this order: the frequency control (429), the tenant token (99991661 missing / 99991663 unknown,
 * expired or revoked, HTTP 400), injected failures, then the endpoint itself. Every request lands in the call log
 * with the code it was answered with, so tests count what a client really sent.
 */
export function bitableHandler(endpoint: FeishuEndpoint, ctx: FeishuFakeContext, handle: EndpointHandler) {
  return async (req: Request, res: Response): Promise<void> => {
    const record = (code: number) => ctx.calls.record({
      endpoint, method: req.method, at: ctx.now(), ids: [String(req.params.table_id ?? '')].filter(Boolean), errcode: code,
    });
    try {
      ctx.rateLimits.take(endpoint, ctx.now());
      if (endpoint !== 'tenant_access_token') {
        const checked = ctx.tokens.check(req.get('authorization'), ctx.now());
        if (!checked.ok) throw new FeishuFakeFailure(checked.code, checked.msg, 400);
      }
      const injected = ctx.injector.match(endpoint);
      if (injected) throw injected;
      const data = await handle(req, ctx);
      record(0);
      const id = logId();
      const body = endpoint === 'tenant_access_token' ? { code: 0, msg: 'ok', ...data } : { code: 0, msg: 'success', data };
      res.status(200).set('x-tt-logid', id).json(body);
    } catch (error) {
      if (!(error instanceof FeishuFakeFailure)) throw error;
      record(error.code);
      sendFailure(res, error);
    }
  };
}

/** 1254003/1254040 for an unknown app token, 1254004/1254041 for an unknown table (§2.5), HTTP 200 like most Bitable errors. */
export function baseOf(ctx: FeishuFakeContext, req: Request): FakeBase {
  const base = ctx.state.bases.get(String(req.params.app_token));
  if (!base) throw new FeishuFakeFailure(1254040, 'BaseTokenNotFound');
  return base;
}

export function tableOf(ctx: FeishuFakeContext, req: Request): FakeTable {
  const table = baseOf(ctx, req).tables.get(String(req.params.table_id));
  if (!table) throw new FeishuFakeFailure(1254041, 'TableIdNotFound');
  return table;
}

/** The table a link field points at (its `property.table_id`), in the same base. */
export function linkedTableOf(base: FakeBase, property: Record<string, unknown> | null): FakeTable | undefined {
  const tableId = property?.table_id;
  return typeof tableId === 'string' ? base.tables.get(tableId) : undefined;
}
