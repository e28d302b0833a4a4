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

export interface FaultHandle {
  readonly fired: number;
  remove(): void;
}

interface ActiveRule {
  rule: FaultRule;
  fired: number;
}

const KINDS = new Set<FaultKind>(['transient', 'rate-limit', 'permanent', 'timeout']);

/** Rules in the order they were added; the first live one fires. */
export class FaultInjector {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): FaultHandle {
    if (!KINDS.has(rule.kind)) throw new RangeError(`unknown fault kind ${String(rule.kind)}`);
    if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) throw new RangeError('times must be a positive integer');
    if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 400 && rule.status <= 599)) throw new RangeError('status must be 400–599');
    const active: ActiveRule = { rule: { ...rule }, fired: 0 };
    this.rules.push(active);
    return {
      get fired() {
        return active.fired;
      },
      remove: () => {
        this.rules = this.rules.filter((r) => r !== active);
      },
    };
  }

  clear(): void {
    this.rules = [];
  }

  take(): FaultRule | null {
    for (const active of this.rules) {
      if (active.rule.times !== undefined && active.fired >= active.rule.times) continue;
      active.fired += 1;
      return active.rule;
    }
    return null;
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
