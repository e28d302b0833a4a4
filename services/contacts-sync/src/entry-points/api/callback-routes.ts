import type { ServerResponse } from 'node:http';
import { Router, type RequestHandler } from 'express';
import { NotFoundError, createBatcher, readBareBody, retryOnConnectionLoss, type BareRequest, type BareRoute, type ServiceContext } from '@doitcrm/kit';
import { verifyCallback, type CallbackVerification } from '@doitcrm/wecom';
import type { ContactsSyncConfig } from '../../config.ts';
import { countCallback, countReceived, storeCallbacks, type CallbackToStore } from '../../data-access/callback-inbox.ts';
import { callbackMetrics } from '../../domain/callback-metrics.ts';

/** A contact event is well under 2 KB encrypted; 64 KB leaves room for any event WeCom sends and stops a flood early. */
export const CALLBACK_BODY_LIMIT_BYTES = 64 * 1024;

export const CALLBACK_PATH = '/v1/wecom/callback';

/**
 * How long a callback waits for PostgreSQL to come back before it is answered 500: under WeCom's 5 s patience, so a
 * restart of a few seconds costs no attempt of WeCom's three (and a longer one still leaves it two, 1 s apart).
 */
export const STORE_RETRY_MS = 3_500;

/** How long a callback's store, replay check and nonce record each wait for others to go with (see the inbox below). */
const GATHER_MS = 3;

type Refusal = Extract<CallbackVerification, { ok: false }>['reason'] | 'replay' | 'too_large';

/** What the app mounts: bare routes when callbacks are configured, else a router that answers 404. */
export interface CallbackRoutes {
  bare: BareRoute[];
  router: Router | null;
}

const answer = (res: ServerResponse, status: number, body = '', type = 'text/plain') => {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

/**
 * `GET/POST /api/v1/wecom/callback`: WeCom's callbacks (spec external-apis.md §1.10), outside the login and
 * authenticated by their signature. Off (404) until WECOM_TOKEN, WECOM_ENCODING_AES_KEY and WECOM_CORP_ID are set.
 * POST: verify → store once per body → remember the nonce → 200; applying happens after the answer (`onStored`).
 * Served as bare routes (kit's bare-routes.ts): at 1,000 callbacks a second the page stack before a public route
 * (request context, helmet, cross-site check, Express's text parser) cost more CPU than the callback's own work.
 */
export function createCallbackRoutes(context: ServiceContext<ContactsSyncConfig>, onStored: () => void = () => {}): CallbackRoutes {
  const { WECOM_TOKEN: token, WECOM_ENCODING_AES_KEY: encodingAesKey, WECOM_CORP_ID: receiveId, DISPLAY_TIMEZONE: timezone } = context.config;
  if (!(token && encodingAesKey && receiveId)) {
    context.logger.info('WeCom callbacks are off: WECOM_TOKEN, WECOM_ENCODING_AES_KEY and WECOM_CORP_ID are needed, /api/v1/wecom/callback answers 404');
    const off: RequestHandler = (req) => {
      throw new NotFoundError(`没有这个接口: ${req.method} ${req.baseUrl}${req.path}`);
    };
    const router = Router().get(CALLBACK_PATH, off).post(CALLBACK_PATH, off);
    return { bare: [], router };
  }
  const configured = { token, encodingAesKey, receiveId };
  const windowSeconds = context.config.WECOM_CALLBACK_WINDOW_SECONDS;
  const metrics = callbackMetrics(context.metrics.registry);

  const refuse = async (req: BareRequest, res: ServerResponse, reason: Refusal, detail: string) => {
    metrics.refused.inc({ reason });
    context.logger.warn({ reason, detail, ip: req.raw.socket.remoteAddress, forwardedFor: req.raw.headers['x-forwarded-for'] }, 'WeCom callback refused');
    await countCallback(context.pool, timezone, 'callbacks_refused').catch(() => undefined);
    // any non-200 makes WeCom retry; a forgery learns nothing from the body
    answer(res, reason === 'too_large' ? 413 : 400);
  };
  // callbacks arriving together are stored (and counted) in one statement: one commit serves dozens at 1,000/s.
  // Every group waits GATHER_MS (alwaysWait): sent as soon as a connection was free, groups held one or two callbacks
  // at 1,000/s, and the statements' socket writes and PostgreSQL's wake-ups were a fifth of the process's CPU (bench
  // profile); WeCom waits 5 s, so a few milliseconds buy the groups. At most 4 stores hold a pooled connection however
  // slow PostgreSQL gets, so the applier and the counts keep theirs.
  const inbox = createBatcher<CallbackToStore, boolean>({
    flush: (events) => storeCallbacks(context.pool, events), maxItems: 200, maxDelayMs: GATHER_MS, alwaysWait: true, maxInFlight: 4,
  });
  const tally = createBatcher<boolean, void>({
    flush: async (stored) => {
      const received = stored.filter(Boolean).length;
      await countReceived(context.pool, timezone, { received, duplicate: stored.length - received });
      return stored.map(() => undefined);
    },
    maxItems: 1_000, maxDelayMs: 50,
  });
  // the replay check and the nonce's record are a Redis round trip each per callback: requests arriving together
  // share one MGET and one pipeline of SETs (ioredis's auto-pipelining is off in kit, for every service)
  const seenNonces = createBatcher<string, string | null>({
    flush: (keys) => context.redis.mget(...keys), maxItems: 500, maxDelayMs: GATHER_MS, alwaysWait: true,
  });
  const nonceTtl = windowSeconds * 2;
  const rememberNonces = createBatcher<{ key: string; sha256: string }, void>({
    flush: async (nonces) => {
      const pipeline = context.redis.pipeline();
      for (const { key, sha256 } of nonces) pipeline.set(key, sha256, 'EX', nonceTtl);
      const answers = (await pipeline.exec()) ?? [];
      const failed = answers.find(([error]) => error);
      if (failed) throw failed[0];
      return nonces.map(() => undefined);
    },
    maxItems: 500, maxDelayMs: GATHER_MS, alwaysWait: true,
  });
  const verify = (req: BareRequest, body?: string) => verifyCallback({
    ...configured, query: req.query, now: Date.now(), windowSeconds, ...(body === undefined ? {} : { body }),
  });
  const path = `/api${CALLBACK_PATH}`;

  // URL verification: answer the decrypted echostr exactly (no quotes, BOM or newline) — WeCom compares the bytes
  const handshake = async (req: BareRequest, res: ServerResponse) => {
    req.raw.resume();
    const checked = verify(req);
    if (!checked.ok) return refuse(req, res, checked.reason, checked.detail);
    answer(res, 200, checked.plaintext, 'text/plain; charset=utf-8');
  };

  const receive = async (req: BareRequest, res: ServerResponse) => {
    const body = await readBareBody(req.raw, CALLBACK_BODY_LIMIT_BYTES);
    if (body === null) return refuse(req, res, 'too_large', `body over ${CALLBACK_BODY_LIMIT_BYTES} bytes`);
    const checked = verify(req, body);
    if (!checked.ok) return refuse(req, res, checked.reason, checked.detail);
    // WeCom retries a delivery with the same envelope, so a seen nonce+timestamp with the SAME body is a retry
    // (answered by the dedupe below); with another body inside the window it is a forged replay
    const nonceKey = `contacts:callback-nonce:${checked.timestamp}:${checked.nonce}`;
    const seen = await seenNonces.add(nonceKey);
    if (seen !== null && seen !== checked.sha256) return refuse(req, res, 'replay', 'nonce and timestamp already used with another body');
    // the event is read once, by the applier (which must parse it anyway): its type columns are filled there
    const event: CallbackToStore = { sha256: checked.sha256, plaintext: checked.plaintext };
    const stored = await retryOnConnectionLoss(() => inbox.add(event), { forMs: STORE_RETRY_MS, logger: context.logger });
    // only after the store: remembered earlier, a retry of a delivery we failed to store would be refused and lost
    await rememberNonces.add({ key: nonceKey, sha256: checked.sha256 });
    metrics.received.inc({ outcome: stored ? 'stored' : 'duplicate' });
    answer(res, 200);
    void tally.add(stored).catch((error: unknown) => context.logger.warn({ err: error }, 'callback counts not added to the day figures'));
    if (stored) onStored();
  };

  return { bare: [{ method: 'GET', path, handle: handshake }, { method: 'POST', path, handle: receive }], router: null };
}
