import { Router, type Request, type Response } from 'express';
import { actorFromRequest, parseBody, requestContext, requireRole, ValidationError, type ServiceContext } from '@doitcrm/kit';
import type { DispatcherConfig } from '../../config.ts';
import type { SendAccepted } from '../../contract.ts';
import { KeyInFlightError, requestHash, runIdempotent } from '../../domain/idempotent-request.ts';
import { sendMessages, type SendDeps, type SendRequest } from '../../domain/send-messages.ts';
import { idempotencyKeySchema, sendBatchBodySchema, sendBodySchema } from './schemas.ts';

export interface MessageRouteDeps extends SendDeps {
  /** called once messages were committed as queued: the outbox relay publishes them now rather than on its next tick */
  queued: () => void;
}

export function createMessageRoutes(context: ServiceContext<DispatcherConfig>, deps: MessageRouteDeps): Router {
  const router = Router();

  async function accept(req: Request, res: Response, request: SendRequest, shape: (accepted: SendAccepted) => SendAccepted): Promise<void> {
    const header = req.get('Idempotency-Key');
    const key = header === undefined ? null : idempotencyKeySchema.safeParse(header);
    if (key && !key.success) throw new ValidationError('Idempotency-Key 无效：1–255 个可见 ASCII 字符', [{ field: 'Idempotency-Key', message: key.error.issues[0]!.message }]);
    const actor = actorFromRequest(req);
    const keyRequest = key ? { ownerId: actor.userId!, key: key.data, method: req.method, path: `${req.baseUrl}${req.path}`, hash: requestHash(req.body) } : null;
    try {
      const answer = await runIdempotent(context.pool, keyRequest, async (client) =>
        ({ status: 202, body: shape(await sendMessages(client, deps, actor, request)) }), requestContext.getStore()?.requestId ?? 'unknown');
      if (answer.status === 202 && (answer.body as SendAccepted).queued > 0) deps.queued();
      res.status(answer.status).json(answer.body);
    } catch (error) {
      if (error instanceof KeyInFlightError) res.set('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  }

  router.post('/messages/send', requireRole('staff'), async (req, res) => {
    const body = parseBody(sendBodySchema, req);
    await accept(req, res, {
      templateId: body.template_id, recipients: [{ recipient: body.recipient, fallbackRecipient: body.fallback_recipient }], variables: body.variables,
      priority: body.priority, sendAt: body.send_at ? new Date(body.send_at) : null, shape: 'send',
    }, (accepted) => ({ ...accepted, traceId: accepted.traceIds[0]! }));
  });

  router.post('/messages/send-batch', requireRole('staff'), async (req, res) => {
    const body = parseBody(sendBatchBodySchema, req);
    await accept(req, res, {
      templateId: body.template_id,
      recipients: body.recipients.map((entry) => (typeof entry === 'string'
        ? { recipient: entry }
        : { recipient: entry.recipient, fallbackRecipient: entry.fallback_recipient, variables: entry.variables })),
      variables: body.variables, priority: body.priority, sendAt: body.send_at ? new Date(body.send_at) : null, shape: 'batch',
    }, (accepted) => accepted);
  });

  return router;
}
