/** How often an injected rule has fired, and how to take it back. */
export interface InjectionHandle {
  readonly fired: number;
  remove(): void;
}

interface ActiveRule<R> {
  rule: R;
  fired: number;
}

/**
 * The failure rules a fake was told to produce, in the order they were added: the first live one that fits a
 * request fires, and a rule with `times` retires after that many. The channel fakes and the Coze fake check their
 * own rules' fields, then keep them here.
 */
export class InjectionRules<R extends { times?: number }> {
  private rules: Array<ActiveRule<R>> = [];

  add(rule: R): InjectionHandle {
    if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) throw new RangeError('times must be a positive integer');
    const active: ActiveRule<R> = { rule: { ...rule }, fired: 0 };
    this.rules.push(active);
    return {
      get fired() {
        return active.fired;
      },
      remove: () => {
        this.rules = this.rules.filter((other) => other !== active);
      },
    };
  }

  clear(): void {
    this.rules = [];
  }

  /** The first live rule `fits` accepts, counted as fired; null when none does. */
  take(fits: (rule: R) => boolean = () => true): R | null {
    for (const active of this.rules) {
      if (active.rule.times !== undefined && active.fired >= active.rule.times) continue;
      if (!fits(active.rule)) continue;
      active.fired += 1;
      return active.rule;
    }
    return null;
  }
}
