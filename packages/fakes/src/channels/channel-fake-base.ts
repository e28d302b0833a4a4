import express, { type Express, type Request, type Response } from 'express';
import { listenLocal, type ListeningFake } from '../listen-local.ts';
import { controlRouter } from './control-api.ts';
import { DeliveryLedger } from './delivery-ledger.ts';
import { DEFAULT_TIMEOUT_HOLD_MS, FaultInjector, hold, type FaultHandle, type FaultRule } from './fault-injector.ts';
import { WindowCounter } from './window-limit.ts';

/** What every channel fake offers tests and the fault script, besides its provider's API. */
export interface ChannelFake {
  app: Express;
  listen(port?: number, host?: string): Promise<ListeningFake>;
  inject(rule: FaultRule): FaultHandle;
  clearFaults(): void;
  deliveries: DeliveryLedger;
  /** forgets deliveries, faults and rate windows */
  reset(): void;
}

export interface ChannelFakeParts {
  app: Express;
  faults: FaultInjector;
  deliveries: DeliveryLedger;
  windows: WindowCounter;
  now: () => number;
}

/** The express app with `/__control` mounted, and the parts each provider's routes share. */
export function channelFakeParts(now: () => number = Date.now): ChannelFakeParts {
  const app = express();
  app.disable('x-powered-by');
  const parts: ChannelFakeParts = { app, faults: new FaultInjector(), deliveries: new DeliveryLedger(), windows: new WindowCounter(now), now };
  app.use('/__control', controlRouter({ faults: parts.faults, deliveries: parts.deliveries, reset: () => resetParts(parts) }));
  return parts;
}

function resetParts(parts: ChannelFakeParts): void {
  parts.faults.clear();
  parts.deliveries.reset();
  parts.windows.reset();
}

export function channelFake(parts: ChannelFakeParts, extraReset: () => void = () => {}): ChannelFake {
  return {
    app: parts.app,
    listen: (port = 0, host = '127.0.0.1') => listenLocal(parts.app, port, host),
    inject: (rule) => parts.faults.add(rule),
    clearFaults: () => parts.faults.clear(),
    deliveries: parts.deliveries,
    reset: () => {
      resetParts(parts);
      extraReset();
    },
  };
}

/**
 * Answers an injected fault the provider's way. `timeout` holds the answer past the client's patience, delivering
 * first when the rule says so (a provider that accepted the send and was slow to say so). Returns true when the
 * request was answered here.
 */
export async function answerFault(
  rule: FaultRule | null, req: Request, res: Response,
  answers: { transient(rule: FaultRule): void; rateLimit(rule: FaultRule): void; permanent(rule: FaultRule): void; deliver(): unknown },
): Promise<boolean> {
  if (!rule) return false;
  if (rule.kind === 'transient') answers.transient(rule);
  else if (rule.kind === 'rate-limit') answers.rateLimit(rule);
  else if (rule.kind === 'permanent') answers.permanent(rule);
  else {
    const body = rule.deliver ? answers.deliver() : undefined;
    await hold(rule.delayMs ?? DEFAULT_TIMEOUT_HOLD_MS, req.socket);
    if (res.headersSent || req.socket.destroyed) return true;
    if (body === undefined) res.status(504).end();
    else res.status(200).json(body);
  }
  return true;
}
