import { InjectionRules, type InjectionHandle } from '../injection-rules.ts';

/**
 * The failure classes a channel adapter must tell apart. Each fake answers a kind the way its provider does:
 * `transient` as its 5xx / system-busy answer, `rate-limit` with its own flow-control error, `permanent` with a
 * non-retryable business error, `timeout` by holding the answer past any sane client timeout.
 */
export type FaultKind = 'transient' | 'rate-limit' | 'permanent' | 'timeout';

export interface FaultRule {
  kind: FaultKind;
  /** fire this many times, then retire; default: for ever */
  times?: number;
  /** the provider's code to answer with instead of the kind's default (e.g. `isv.AMOUNT_NOT_ENOUGH`, 81013) */
  code?: string | number;
  /** transient: the HTTP status instead of the provider's business error (e.g. 502) */
  status?: number;
  /** timeout: how long the answer is held; default 30 s */
  delayMs?: number;
  /**
   * timeout: deliver before holding the answer, as a provider does that accepted the send and was slow to say so;
   * this is what makes a retry after a timeout a duplicate unless the call is idempotent. Default false.
   */
  deliver?: boolean;
}

const KINDS = new Set<FaultKind>(['transient', 'rate-limit', 'permanent', 'timeout']);

export type FaultHandle = InjectionHandle;

/** Rules in the order they were added; the first live one fires. */
export class FaultInjector {
  private readonly rules = new InjectionRules<FaultRule>();

  add(rule: FaultRule): FaultHandle {
    if (!KINDS.has(rule.kind)) throw new RangeError(`unknown fault kind ${String(rule.kind)}`);
    if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 400 && rule.status <= 599)) throw new RangeError('status must be 400–599');
    return this.rules.add(rule);
  }

  clear(): void {
    this.rules.clear();
  }

  take(): FaultRule | null {
    return this.rules.take();
  }
}

export const DEFAULT_TIMEOUT_HOLD_MS = 30_000;

/** Resolves after `ms`, or as soon as the caller hangs up, so a closing fake is not held by a stalled answer. */
export function hold(ms: number, closed: { once(event: 'close', listener: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    closed.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
