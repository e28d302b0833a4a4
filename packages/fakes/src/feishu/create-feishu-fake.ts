import { randomBytes } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { listenLocal, type ListeningFake } from '../listen-local.ts';
import { CallLog } from '../wecom/call-log.ts';
import { FeishuFakeFailure, type FeishuFakeState } from './feishu-fake-state.ts';
import { checkCallsPerSecond, FeishuRateLimits, type FeishuCallsPerSecond } from './feishu-rate-limits.ts';
import { FeishuInjector, type FeishuInjectionHandle, type FeishuInjectionRule } from './feishu-injection.ts';
import { bitableHandler, sendFailure, type FeishuFakeContext } from './feishu-pipeline.ts';
import { feishuControlRouter } from './routes/control-routes.ts';
import { fieldsListRoute, recordGetRoute, recordsSearchRoute, tablesListRoute, tenantTokenRoute } from './routes/read-routes.ts';
import { batchCreateRoute, batchDeleteRoute, batchUpdateRoute } from './routes/write-routes.ts';
import { seedDemoBase, type DemoBaseIds, type DemoBaseOptions } from './seed-demo-base.ts';
import { TenantTokens } from './tenant-tokens.ts';

export interface FeishuFakeOptions {
  /** default: a random `cli_…` id */
  appId?: string;
  /** default: random */
  appSecret?: string;
  /** token validity in seconds; default 7200, as Feishu */
  tokenTtlSeconds?: number;
  /** default 1800: the < 30-minute renewal rule of §2.2 */
  renewWindowSeconds?: number;
  /** how long each write holds its table (overlaps answer 1254291); default 0 */
  writeLatencyMs?: number;
  /** records per batch_create / batch_update; default 500 (error 1254104's limit; current docs allow 1,000) */
  batchWriteLimit?: number;
  /**
   * calls per second per API (Feishu's frequency control, §2.5); a call past it answers 429 + x-ogw-ratelimit-reset.
   * Default: none
   */
  callsPerSecond?: FeishuCallsPerSecond;
  /** the demo base of seed 002 */
  demo?: DemoBaseOptions;
  /** the fake's clock (ms); tests move it to age tokens */
  now?: () => number;
}

export interface FeishuFake {
  app: Express;
  listen(port?: number, host?: string): Promise<ListeningFake>;
  state: FeishuFakeState;
  appId: string;
  appSecret: string;
  /** the app token and table ids of the demo base */
  demo: DemoBaseIds;
  inject(rule: FeishuInjectionRule): FeishuInjectionHandle;
  clearInjections(): void;
  /** every request, per endpoint, with the code it was answered with */
  calls: CallLog;
  /** every token issued so far answers 99991663 from now on */
  revokeTokens(): number;
}

const BITABLE = '/open-apis/bitable/v1/apps/:app_token';

/**
 * A local, contract-faithful stand-in for Feishu's tenant token and Bitable v1 record APIs (external-apis.md §2),
 * seeded with the two linked tables of seed 002; packages/fakes/README.md lists what it covers.
 */
export function createFeishuFake(options: FeishuFakeOptions = {}): FeishuFake {
  const now = options.now ?? Date.now;
  const { base, ids } = seedDemoBase(options.demo);
  const state: FeishuFakeState = {
    appId: options.appId ?? `cli_${randomBytes(8).toString('hex')}`,
    appSecret: options.appSecret ?? randomBytes(24).toString('base64url').slice(0, 32),
    bases: new Map([[base.app_token, base]]),
    clientTokens: new Map(),
    tokenTtlSeconds: positive(options.tokenTtlSeconds ?? 7200, 'tokenTtlSeconds'),
    renewWindowSeconds: options.renewWindowSeconds ?? 1800,
    writeLatencyMs: options.writeLatencyMs ?? 0,
    batchWriteLimit: positive(options.batchWriteLimit ?? 500, 'batchWriteLimit'),
    callsPerSecond: checkCallsPerSecond(options.callsPerSecond),
  };
  const ctx: FeishuFakeContext = {
    state, tokens: new TenantTokens(), injector: new FeishuInjector(), calls: new CallLog(), now, rateLimits: new FeishuRateLimits(() => state.callsPerSecond),
  };

  const app = express();
  app.disable('x-powered-by');
  app.use('/__control/feishu', feishuControlRouter(ctx, ids));
  app.use('/open-apis', express.json({ limit: '10mb' }));
  app.post('/open-apis/auth/v3/tenant_access_token/internal', bitableHandler('tenant_access_token', ctx, tenantTokenRoute));
  app.get(`${BITABLE}/tables`, bitableHandler('tables_list', ctx, tablesListRoute));
  app.get(`${BITABLE}/tables/:table_id/fields`, bitableHandler('fields_list', ctx, fieldsListRoute));
  app.post(`${BITABLE}/tables/:table_id/records/search`, bitableHandler('records_search', ctx, recordsSearchRoute));
  app.post(`${BITABLE}/tables/:table_id/records/batch_create`, bitableHandler('records_batch_create', ctx, batchCreateRoute));
  app.post(`${BITABLE}/tables/:table_id/records/batch_update`, bitableHandler('records_batch_update', ctx, batchUpdateRoute));
  app.post(`${BITABLE}/tables/:table_id/records/batch_delete`, bitableHandler('records_batch_delete', ctx, batchDeleteRoute));
  app.get(`${BITABLE}/tables/:table_id/records/:record_id`, bitableHandler('record_get', ctx, recordGetRoute));
  app.use('/open-apis', (_req: Request, res: Response) => {
    res.status(404).json({ code: 404, msg: 'this fake does not implement that API' });
  });
  // a body that is not JSON is Bitable's 1254000 WrongRequestJson (HTTP 200), not Express's 400 page
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if ((error as { type?: string }).type !== 'entity.parse.failed') return next(error);
    sendFailure(res, new FeishuFakeFailure(1254000, 'WrongRequestJson'));
  });

  return {
    app,
    listen: (port = 0, host = '127.0.0.1') => listenLocal(app, port, host),
    state,
    appId: state.appId,
    appSecret: state.appSecret,
    demo: ids,
    inject: (rule) => ctx.injector.add(rule),
    clearInjections: () => ctx.injector.clear(),
    calls: ctx.calls,
    revokeTokens: () => ctx.tokens.revokeAll(),
  };
}

function positive(value: number, name: string): number {
  if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`${name} must be a positive integer`);
  return value;
}
