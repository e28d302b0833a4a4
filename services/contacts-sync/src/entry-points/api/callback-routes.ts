import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { NotFoundError, createBatcher, retryOnConnectionLoss, type ServiceContext } from '@doitcrm/kit';
import { parseEvent, verifyCallback, type CallbackVerification } from '@doitcrm/wecom';
import type { ContactsSyncConfig } from '../../config.ts';
import { countCallback, countReceived, storeCallbacks, type CallbackToStore } from '../../data-access/callback-inbox.ts';
import { callbackMetrics } from '../../domain/callback-metrics.ts';

/** A contact event is well under 2 KB encrypted; 64 KB leaves room for any event WeCom sends and stops a flood early. */
export const CALLBACK_BODY_LIMIT = '64kb';

export const CALLBACK_PATH = '/v1/wecom/callback';

/**
 * How long a callback waits for PostgreSQL to come back before it is answered 500: under WeCom's 5 s patience, so a
 * restart of a few seconds costs no attempt of WeCom's three (and a longer one still leaves it two, 1 s apart).
 */
export const STORE_RETRY_MS = 3_500;

type Refusal = Extract<CallbackVerification, { ok: false }>['reason'] | 'replay' | 'too_large';

/** What was stored about the event: its type, or "invalid" for a known event type missing a field (applied as not applied). */
function eventTypes(plaintext: string): { eventType: string; changeType: string } {
  try {
    const event = parseEvent(plaintext);
    return event.kind === 'unknown' ? { eventType: event.event || 'unknown', changeType: event.changeType } : { eventType: event.kind, changeType: event.changeType };
  } catch {
    return { eventType: 'invalid', changeType: '' };
  }
}

/**
 * `GET/POST /api/v1/wecom/callback`: WeCom's callbacks (spec external-apis.md §1.10), outside the login and
 * authenticated by their signature. Off (404) until WECOM_TOKEN, WECOM_ENCODING_AES_KEY and WECOM_CORP_ID are set.
 * POST: verify → store once per body → remember the nonce → 200; applying happens after the answer (`onStored`).
 */
export function createCallbackRoutes(context: ServiceContext<ContactsSyncConfig>, onStored: () => void = () => {}): Router {
  const router = Router();
  const { WECOM_TOKEN: token, WECOM_ENCODING_AES_KEY: encodingAesKey, WECOM_CORP_ID: receiveId, DISPLAY_TIMEZONE: timezone } = context.config;
  const windowSeconds = context.config.WECOM_CALLBACK_WINDOW_SECONDS;
  const metrics = callbackMetrics(context.metrics.registry);
  const configured = token && encodingAesKey && receiveId ? { token, encodingAesKey, receiveId } : null;
  if (!configured) context.logger.info('WeCom callbacks are off: WECOM_TOKEN, WECOM_ENCODING_AES_KEY and WECOM_CORP_ID are needed, /api/v1/wecom/callback answers 404');

  const refuse = async (req: Request, res: Response, reason: Refusal, detail: string) => {
    metrics.refused.inc({ reason });
    context.logger.warn({ reason, detail, ip: req.ip }, 'WeCom callback refused');
    await countCallback(context.pool, timezone, 'callbacks_refused').catch(() => undefined);
    // any non-200 makes WeCom retry; a forgery learns nothing from the body
    res.status(reason === 'too_large' ? 413 : 400).type('text/plain').send('');
  };
  // callbacks arriving together are stored (and counted) in one statement: one commit serves dozens at 1,000/s
  const inbox = createBatcher<CallbackToStore, boolean>({
    flush: (events) => storeCallbacks(context.pool, events), maxItems: 200, maxDelayMs: 5, maxConcurrent: 2,
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
    flush: (keys) => context.redis.mget(...keys), maxItems: 500, maxDelayMs: 2, maxConcurrent: 2,
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
    maxItems: 500, maxDelayMs: 2, maxConcurrent: 2,
  });
  const verify = (req: Request, body?: string) => verifyCallback({
    ...configured!, query: req.query as Record<string, unknown>, now: Date.now(), windowSeconds, ...(body === undefined ? {} : { body }),
  });
  const gate: RequestHandler = (req, _res, next) => {
    if (!configured) throw new NotFoundError(`没有这个接口: ${req.method} ${req.baseUrl}${req.path}`);
    next();
  };
  const parse = express.text({ type: () => true, limit: CALLBACK_BODY_LIMIT });
  const readBody: RequestHandler = (req, res, next) => parse(req, res, (error?: unknown) => {
    if ((error as { type?: string } | undefined)?.type === 'entity.too.large') void refuse(req, res, 'too_large', `body over ${CALLBACK_BODY_LIMIT}`).catch(next);
    else next(error);
  });

  // URL verification: answer the decrypted echostr exactly (no quotes, BOM or newline) — WeCom compares the bytes
  router.get(CALLBACK_PATH, gate, async (req, res) => {
    const checked = verify(req);
    if (!checked.ok) return refuse(req, res, checked.reason, checked.detail);
    res.status(200).type('text/plain; charset=utf-8').send(checked.plaintext);
  });

  router.post(CALLBACK_PATH, gate, readBody, async (req, res) => {
    const body = typeof req.body === 'string' ? req.body : '';
    const checked = verify(req, body);
    if (!checked.ok) return refuse(req, res, checked.reason, checked.detail);
    // WeCom retries a delivery with the same envelope, so a seen nonce+timestamp with the SAME body is a retry
    // (answered by the dedupe below); with another body inside the window it is a forged replay
    const nonceKey = `contacts:callback-nonce:${checked.timestamp}:${checked.nonce}`;
    const seen = await seenNonces.add(nonceKey);
    if (seen !== null && seen !== checked.sha256) return refuse(req, res, 'replay', 'nonce and timestamp already used with another body');
    const event: CallbackToStore = { sha256: checked.sha256, plaintext: checked.plaintext, ...eventTypes(checked.plaintext) };
    const stored = await retryOnConnectionLoss(() => inbox.add(event), { forMs: STORE_RETRY_MS, logger: context.logger });
    // only after the store: remembered earlier, a retry of a delivery we failed to store would be refused and lost
    await rememberNonces.add({ key: nonceKey, sha256: checked.sha256 });
    metrics.received.inc({ outcome: stored ? 'stored' : 'duplicate' });
    res.status(200).type('text/plain').send('');
    void tally.add(stored).catch((error: unknown) => context.logger.warn({ err: error }, 'callback counts not added to the day figures'));
    if (stored) onStored();
  });

  return router;
}
