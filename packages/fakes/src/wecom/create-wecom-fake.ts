import { randomBytes } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { generateSchool, type DemoSchool } from '@doitcrm/demo-data';
import { CallLog } from './call-log.ts';
import { endpointHandler, type PipelineParts } from './endpoint-pipeline.ts';
import { ErrorInjector, type InjectionHandle, type InjectionRule } from './error-injection.ts';
import type { FakeEndpoint } from './fake-endpoint.ts';
import { archivePermitUserList, internalGroupGet } from './routes/archive-routes.ts';
import { batchGetByUser, externalContactGet, externalContactList, followUserList } from './routes/contact-routes.ts';
import { customerGroupGet, customerGroupList } from './routes/group-routes.ts';
import { corpTagList } from './routes/tag-routes.ts';
import { departmentList, userGet, userListId } from './routes/member-routes.ts';
import { gettokenHandler } from './routes/token-route.ts';
import { seedWecomDirectory } from './seed-wecom-directory.ts';
import { TokenRegistry } from './token-registry.ts';
import { TrafficLimits } from './traffic-limits.ts';
import { errmsgFor } from './wecom-errmsg.ts';
import { listenLocal } from '../listen-local.ts';
import { createCallbackSender, type CallbackSender, type CallbackSenderOptions } from './callback/callback-sender.ts';
import { wecomControlRouter } from './routes/control-routes.ts';
import { staffActions, type StaffActions } from './staff/staff-actions.ts';
import type { FakeAppName, WecomFakeState } from './wecom-fake-state.ts';

export interface WecomFakeOptions {
  /** the school to serve; default `generateSchool()` */
  school?: DemoSchool;
  /** default: a random `ww…` id */
  corpId?: string;
  /** the customer-contact app's secret; default: random */
  secret?: string;
  /** the chat-archive secret (msgaudit APIs); default: random */
  archiveSecret?: string;
  /** default 7200, as WeCom; tests use a few seconds */
  tokenTtlSeconds?: number;
  /** calls per endpoint per window before 45009; default 10,000 per 60 s (the documented per-corp limit) */
  rateLimit?: { calls: number; windowMs?: number };
  /** calls of one endpoint in flight before 45033; default 300 */
  maxConcurrentPerEndpoint?: number;
  /** delay before every API answer; default 0 */
  latencyMs?: number;
  /** fail a few demo ids on purpose (left member, deleted customers, dismissed group…); default true */
  unresolvable?: boolean;
  /** wrong secrets from one IP before gettoken answers 45009 for `badSecretBlockMs` (default 10, one hour) */
  badSecretLimit?: number;
  badSecretBlockMs?: number;
  /** seeds `inject({ probability })`; default 1 */
  seed?: number;
  /** the fake's clock (ms); tests move it to expire tokens without waiting */
  now?: () => number;
  /** where staff actions send their callbacks from the start (also settable later: `attachCallback`) */
  callback?: Omit<CallbackSenderOptions, 'corpId'>;
}

export interface WecomFake {
  app: Express;
  listen(port?: number, host?: string): Promise<{ url: string; close(): Promise<void> }>;
  state: WecomFakeState;
  corpId: string;
  secret: string;
  archiveSecret: string;
  inject(rule: InjectionRule): InjectionHandle;
  clearInjections(): void;
  calls: CallLog;
  /** invalidates every token issued so far: their next use answers `errcode` (40014 by default) */
  revokeTokens(errcode?: 40014 | 40001 | 42001): number;
  setIpTrusted(trusted: boolean): void;
  /** which endpoints an app's secret may call (48002 for the rest) */
  setPermissions(app: FakeAppName, allowed: 'all' | readonly string[]): void;
  /** the most calls of an endpoint that were in flight at once */
  peakInFlight(endpoint: string): number;
  /** what staff do in the WeCom client: changes the directory and sends the callback (also at `/__control/wecom`) */
  staff: StaffActions;
  /** staff actions send their events to this receiver from now on, encrypted for this corp */
  attachCallback(options: Omit<CallbackSenderOptions, 'corpId'>): CallbackSender;
  detachCallback(): void;
  callbackSender(): CallbackSender | null;
}

const ENDPOINTS: readonly FakeEndpoint[] = [
  userGet, userListId, departmentList,
  followUserList, externalContactList, externalContactGet, batchGetByUser, corpTagList,
  customerGroupList, customerGroupGet,
  internalGroupGet, archivePermitUserList,
];

/** Throwaway credentials of the fake itself, shaped like WeCom's (corp ids `ww` + 16 hex, secrets 43 chars). */
const randomCorpId = () => `ww${randomBytes(8).toString('hex')}`;
const randomSecret = () => randomBytes(32).toString('base64url').slice(0, 43);

/**
 * A local, contract-faithful stand-in for the WeCom server API (https://developer.work.weixin.qq.com/document/), seeded
 * from the demo school; packages/fakes/README.md lists what it covers.
 */
export function createWecomFake(options: WecomFakeOptions = {}): WecomFake {
  const now = options.now ?? Date.now;
  const corpId = options.corpId ?? randomCorpId();
  const secret = options.secret ?? randomSecret();
  const archiveSecret = options.archiveSecret ?? randomSecret();
  if (secret === archiveSecret) throw new Error('the contact secret and the archive secret must differ');
  if (options.tokenTtlSeconds !== undefined && !(options.tokenTtlSeconds > 0)) throw new RangeError('tokenTtlSeconds must be positive');
  const allowedFor = (app: FakeAppName) => new Set(ENDPOINTS.filter((e) => e.app === app).map((e) => e.path));
  const state: WecomFakeState = {
    corpId,
    apps: {
      contact: { name: 'contact', secret, allowed: allowedFor('contact') },
      archive: { name: 'archive', secret: archiveSecret, allowed: allowedFor('archive') },
    },
    ipTrusted: true,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 7200,
    latencyMs: options.latencyMs ?? 0,
    rateLimit: { calls: options.rateLimit?.calls ?? 10_000, windowMs: options.rateLimit?.windowMs ?? 60_000 },
    maxConcurrentPerEndpoint: options.maxConcurrentPerEndpoint ?? 300,
    directory: seedWecomDirectory(options.school ?? generateSchool(), { unresolvable: options.unresolvable ?? true }),
  };
  const parts: PipelineParts = {
    state, tokens: new TokenRegistry(), injector: new ErrorInjector(options.seed ?? 1), limits: new TrafficLimits(), calls: new CallLog(), now,
  };

  let sender: CallbackSender | null = null;
  const attachCallback = (callback: Omit<CallbackSenderOptions, 'corpId'>) => {
    sender = createCallbackSender({ now, ...callback, corpId });
    return sender;
  };
  if (options.callback) attachCallback(options.callback);
  const control = {
    staff: staffActions({ directory: state.directory, now, emit: async (event) => (sender ? sender.send(event) : null) }),
    attachCallback,
    detachCallback: () => {
      sender = null;
    },
    callbackSender: () => sender,
  };

  const app = express();
  app.disable('x-powered-by');
  app.use('/__control/wecom', wecomControlRouter(control));
  // WeCom reads JSON bodies whatever the content type says
  app.use('/cgi-bin', express.json({ type: () => true, limit: '2mb' }));
  app.all('/cgi-bin/gettoken', gettokenHandler(parts, { limit: options.badSecretLimit ?? 10, blockMs: options.badSecretBlockMs ?? 3_600_000 }));
  for (const endpoint of ENDPOINTS) app.all(`/cgi-bin/${endpoint.path}`, endpointHandler(endpoint, parts));
  app.use('/cgi-bin', (req: Request, res: Response) => {
    parts.calls.record({ endpoint: req.path.replace(/^\//, ''), method: req.method, at: now(), ids: [], errcode: null });
    res.status(404).json({ error: 'this fake does not implement that API' });
  });
  // malformed JSON is a business error in WeCom (40058), not an HTTP 400
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if ((error as { type?: string }).type !== 'entity.parse.failed') return next(error);
    const endpoint = req.path.replace(/^\/cgi-bin\//, '');
    parts.calls.record({ endpoint, method: req.method, at: now(), ids: [], errcode: 40058 });
    res.status(200).json({ errcode: 40058, errmsg: errmsgFor(40058, req.ip ?? '', now(), 'invalid json') });
  });

  return {
    app,
    listen: (port = 0, host = '127.0.0.1') => listenLocal(app, port, host),
    state,
    corpId,
    secret,
    archiveSecret,
    inject: (rule) => parts.injector.add(rule),
    clearInjections: () => parts.injector.clear(),
    calls: parts.calls,
    revokeTokens: (errcode = 40014) => parts.tokens.revokeAll(errcode),
    setIpTrusted: (trusted) => {
      state.ipTrusted = trusted;
    },
    setPermissions: (appName, allowed) => {
      state.apps[appName].allowed = allowed === 'all' ? 'all' : new Set(allowed);
    },
    peakInFlight: (endpoint) => parts.limits.peakInFlight(endpoint),
    ...control,
  };
}
