import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { answerFault, channelFake, channelFakeParts, type ChannelFake } from './channel-fake-base.ts';

export interface AppWebhookReceiverOptions {
  /** the shared secret the sender signs bodies with; default random */
  secret?: string;
  /** deliveries per minute before 429 with Retry-After; default unlimited */
  perMinute?: number;
  now?: () => number;
}

export interface ReceivedWebhook {
  messageId: string;
  traceId: string | null;
  body: unknown;
}

export interface AppWebhookReceiver extends ChannelFake {
  secret: string;
  /** every signed request that got through, repeats included */
  received: ReceivedWebhook[];
}

/**
 * The other end of our signed app webhook: `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>` (401 when it does
 * not match), `X-Message-Id` required (400) and deduplicated (a repeat answers 200 again without a second delivery,
 * which is what a receiver written to our contract must do), `X-Trace-Id` recorded. Any path below `/` is a hook.
 */
export function createAppWebhookReceiver(options: AppWebhookReceiverOptions = {}): AppWebhookReceiver {
  const parts = channelFakeParts(options.now);
  const { app, faults, deliveries, windows, now } = parts;
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  const received: ReceivedWebhook[] = [];

  app.use(express.raw({ type: () => true, limit: '1mb' }));
  app.post(/.*/, async (req: Request, res: Response) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = req.get('x-signature') ?? '';
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`);
    if (expected.length !== Buffer.byteLength(signature) || !timingSafeEqual(expected, Buffer.from(signature))) {
      return res.status(401).json({ error: 'signature mismatch' });
    }
    const messageId = req.get('x-message-id');
    if (!messageId) return res.status(400).json({ error: 'X-Message-Id is required' });
    const traceId = req.get('x-trace-id') ?? null;
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return res.status(400).json({ error: 'body is not JSON' });
    }
    received.push({ messageId, traceId, body });
    const deliver = () => {
      deliveries.record({ key: messageId, at: now(), to: req.path, providerId: messageId, body });
      return { ok: true, id: messageId };
    };
    if (await answerFault(faults.take(), req, res, {
      transient: (rule) => void res.status(rule.status ?? 503).json({ error: 'unavailable' }),
      rateLimit: () => void res.status(429).set('Retry-After', '7').json({ error: 'slow down' }),
      permanent: (rule) => void res.status(rule.status ?? 422).json({ error: 'rejected' }),
      deliver,
    })) return;
    if (deliveries.count(messageId) > 0) {
      deliveries.deduplicate();
      return res.status(200).json({ ok: true, id: messageId, duplicate: true });
    }
    if (options.perMinute !== undefined) {
      const taken = windows.take('all', { max: options.perMinute, windowMs: 60_000 });
      if (!taken.ok) return res.status(429).set('Retry-After', String(Math.ceil(taken.retryAfterMs / 1000))).json({ error: 'slow down' });
    }
    res.status(200).json(deliver());
  });

  return { ...channelFake(parts, () => (received.length = 0)), secret, received };
}
