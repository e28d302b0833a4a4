import express, { type Router } from 'express';
import type { FeishuFakeContext } from '../feishu-pipeline.ts';
import type { FeishuInjectionRule } from '../feishu-injection.ts';
import type { DemoBaseIds } from '../seed-demo-base.ts';

/**
 * `/__control/feishu`, for tests and people driving a running fake:
 * - `GET /demo` → the demo base's app token and table ids
 * - `GET /calls` → `{ byEndpoint, calls }`; `DELETE /calls` empties the log
 * - `POST /injections` with a `FeishuInjectionRule` → 201; `DELETE /injections` removes them all
 * - `POST /tokens/revoke` → `{ revoked }`: issued tokens answer 99991663 from then on
 * - `PATCH /settings` `{ writeLatencyMs?, batchWriteLimit?, tokenTtlSeconds? }`
 */
export function feishuControlRouter(ctx: FeishuFakeContext, demo: DemoBaseIds): Router {
  const router = express.Router();
  router.use(express.json());
  router.get('/demo', (_req, res) => {
    res.json(demo);
  });
  router.get('/calls', (_req, res) => {
    res.json({ byEndpoint: ctx.calls.byEndpoint(), calls: ctx.calls.all() });
  });
  router.delete('/calls', (_req, res) => {
    ctx.calls.clear();
    res.status(204).end();
  });
  router.post('/injections', (req, res) => {
    try {
      ctx.injector.add(req.body as FeishuInjectionRule);
      res.status(201).end();
    } catch (error) {
      res.status(400).json({ error: (error as Error).message });
    }
  });
  router.delete('/injections', (_req, res) => {
    ctx.injector.clear();
    res.status(204).end();
  });
  router.post('/tokens/revoke', (_req, res) => {
    res.json({ revoked: ctx.tokens.revokeAll() });
  });
  router.patch('/settings', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const problems: string[] = [];
    const take = (name: 'writeLatencyMs' | 'batchWriteLimit' | 'tokenTtlSeconds', min: number) => {
      const value = body[name];
      if (value === undefined) return;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min) problems.push(`${name} must be an integer ≥ ${min}`);
      else ctx.state[name] = value;
    };
    take('writeLatencyMs', 0);
    take('batchWriteLimit', 1);
    take('tokenTtlSeconds', 1);
    if (problems.length > 0) return void res.status(400).json({ error: problems.join('; ') });
    res.status(204).end();
  });
  return router;
}
