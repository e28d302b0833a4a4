import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { CallbackDelivery, CallbackSender, CallbackSenderOptions } from '../callback/callback-sender.ts';
import type { StaffActions } from '../staff/staff-actions.ts';
import { StaffActionError, type StaffActionResult } from '../staff/staff-context.ts';

export interface WecomControl {
  staff: StaffActions;
  attachCallback(options: Omit<CallbackSenderOptions, 'corpId'>): CallbackSender;
  detachCallback(): void;
  callbackSender(): CallbackSender | null;
}

type Body = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const texts = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const summary = (d: CallbackDelivery | null) => d && { delivered: d.delivered, attempts: d.attempts, plaintext: d.plaintext };

/**
 * `/__control/wecom`: what staff do in the WeCom client, over HTTP, for tests and people driving a running fake.
 * Each action answers once its callback (if a sender is attached) is delivered or has failed 3 times:
 * `{ ...result, callback: { delivered, attempts, plaintext } | null }`; a bad request answers 400/404/409 `{ error }`.
 */
export function wecomControlRouter(control: WecomControl): Router {
  const router = express.Router();
  router.use(express.json());
  const action = (run: (req: Request) => Promise<StaffActionResult>) =>
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        const { result, callback } = await run(req);
        res.status(200).json({ ...result, callback: summary(callback) });
      } catch (error) {
        if (error instanceof StaffActionError) res.status(error.status).json({ error: error.message });
        else next(error);
      }
    };
  const body = (req: Request): Body => (typeof req.body === 'object' && req.body !== null ? req.body as Body : {});
  const param = (req: Request, name: string): string => String(req.params[name]);

  router.put('/callback', (req, res) => {
    const b = body(req);
    try {
      control.attachCallback({
        url: text(b.url) ?? '', token: text(b.token) ?? '', encodingAesKey: text(b.encodingAesKey) ?? '',
        ...(b.agentId === undefined ? {} : { agentId: b.agentId as string | number }),
        ...(typeof b.timeoutMs === 'number' ? { timeoutMs: b.timeoutMs } : {}),
        ...(typeof b.retryDelayMs === 'number' ? { retryDelayMs: b.retryDelayMs } : {}),
      });
      res.status(204).end();
    } catch (error) {
      res.status(400).json({ error: (error as Error).message });
    }
  });
  router.delete('/callback', (_req, res) => {
    control.detachCallback();
    res.status(204).end();
  });
  router.get('/callback/attempts', (_req, res) => {
    const sender = control.callbackSender();
    res.json({ attached: sender !== null, deliveries: sender?.deliveries.length ?? 0, attempts: sender?.attempts() ?? [] });
  });
  router.post('/callback/verify-url', async (_req, res) => {
    const sender = control.callbackSender();
    if (!sender) return void res.status(409).json({ error: 'no callback attached: PUT /__control/wecom/callback first' });
    res.json(await sender.verifyUrl());
  });

  const { staff } = control;
  router.post('/members/:userId/customers', action((req) => {
    const b = body(req);
    return staff.addCustomer(param(req, 'userId'), {
      externalUserId: text(b.externalUserId), name: text(b.name), state: text(b.state), remark: text(b.remark), half: b.half === true,
    });
  }));
  router.patch('/customers/:externalUserId/followers/:userId', action((req) => {
    const b = body(req);
    return staff.editCustomer(param(req, 'externalUserId'), param(req, 'userId'), {
      remark: text(b.remark), description: text(b.description), ...(Array.isArray(b.tagIds) ? { tagIds: texts(b.tagIds) } : {}),
    });
  }));
  router.post('/customers/:externalUserId/delete-external-contact', action((req) =>
    staff.memberDeletesCustomer(param(req, 'externalUserId'), text(body(req).userId) ?? '', text(body(req).source))));
  router.post('/customers/:externalUserId/delete-follow-user', action((req) =>
    staff.customerDeletesMember(param(req, 'externalUserId'), text(body(req).userId) ?? '')));
  router.post('/groups', action((req) => {
    const b = body(req);
    return staff.createGroup({ owner: text(b.owner) ?? '', name: text(b.name) ?? '', memberIds: texts(b.memberIds), notice: text(b.notice) });
  }));
  router.post('/groups/:chatId/add-members', action((req) =>
    staff.addGroupMembers(param(req, 'chatId'), texts(body(req).userIds), body(req).joinScene as 0 | 3 | undefined)));
  router.post('/groups/:chatId/remove-members', action((req) =>
    staff.removeGroupMembers(param(req, 'chatId'), texts(body(req).userIds), body(req).quitScene as 0 | 1 | undefined)));
  router.post('/groups/:chatId/rename', action((req) => staff.renameGroup(param(req, 'chatId'), text(body(req).name) ?? '')));
  router.post('/groups/:chatId/dismiss', action((req) => staff.dismissGroup(param(req, 'chatId'))));
  router.post('/tags', action((req) => {
    const b = body(req);
    return staff.createTag({ groupId: text(b.groupId), groupName: text(b.groupName), name: text(b.name) ?? '' });
  }));
  router.patch('/tags/:id', action((req) => staff.renameTag(param(req, 'id'), text(body(req).name) ?? '')));
  router.delete('/tags/:id', action((req) => staff.deleteTag(param(req, 'id'))));
  return router;
}
