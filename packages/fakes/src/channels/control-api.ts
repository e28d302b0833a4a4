import express, { type Request, type Response, type Router } from 'express';
import type { DeliveryLedger } from './delivery-ledger.ts';
import type { FaultInjector, FaultRule } from './fault-injector.ts';

export interface ControllableFake {
  faults: FaultInjector;
  deliveries: DeliveryLedger;
  /** forgets deliveries, faults and rate windows */
  reset(): void;
}

/**
 * `/__control` of every channel fake, for the fault script that drives a running fake from outside the process:
 * `POST /__control/faults` {kind, times?, code?, status?, delayMs?, deliver?} adds a fault, `DELETE /__control/faults`
 * clears them, `GET /__control/deliveries` reports counts per key, `POST /__control/reset` starts over.
 */
export function controlRouter(fake: ControllableFake): Router {
  const router = express.Router();
  router.use(express.json());
  router.post('/faults', (req: Request, res: Response) => {
    try {
      fake.faults.add(req.body as FaultRule);
      res.status(201).json({ ok: true });
    } catch (error) {
      res.status(400).json({ error: (error as Error).message });
    }
  });
  router.delete('/faults', (_req: Request, res: Response) => {
    fake.faults.clear();
    res.status(204).end();
  });
  router.get('/deliveries', (_req: Request, res: Response) => {
    res.json(fake.deliveries.report());
  });
  router.post('/reset', (_req: Request, res: Response) => {
    fake.reset();
    res.status(204).end();
  });
  return router;
}
