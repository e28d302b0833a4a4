import { seededRandom } from './stable-random.ts';

/** A planned failure: `endpoint` is the path below `/cgi-bin/` (e.g. `user/get`, `gettoken`) or `*` for any. */
export interface InjectionRule {
  endpoint: string;
  errcode: number;
  /** replaces the standard errmsg text */
  errmsg?: string;
  /** fire this many times, then retire; default: for ever */
  times?: number;
  /** fire only for requests about one of these ids (userid, external_userid, chat_id, roomid, userid_list…) */
  forIds?: readonly string[];
  /** fire on this share of matching requests (seeded, so runs repeat); default 1 */
  probability?: number;
}

export interface InjectionHandle {
  readonly id: number;
  /** how often the rule has fired so far */
  readonly fired: number;
  remove(): void;
}

interface ActiveRule {
  id: number;
  rule: InjectionRule;
  forIds: Set<string> | null;
  fired: number;
}

/** The rules in the order they were added; the first one that matches a request decides. */
export class ErrorInjector {
  private readonly rules: ActiveRule[] = [];
  private nextId = 1;
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  add(rule: InjectionRule): InjectionHandle {
    if (!Number.isInteger(rule.errcode) || rule.errcode === 0) throw new RangeError('an injected errcode must be a non-zero integer');
    if (rule.probability !== undefined && !(rule.probability > 0 && rule.probability <= 1)) throw new RangeError('probability must be in (0, 1]');
    if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) throw new RangeError('times must be a positive integer');
    const active: ActiveRule = { id: this.nextId++, rule: { ...rule }, forIds: rule.forIds ? new Set(rule.forIds) : null, fired: 0 };
    this.rules.push(active);
    return {
      id: active.id,
      get fired() {
        return active.fired;
      },
      remove: () => this.remove(active.id),
    };
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** The errcode (and text) to answer with instead of the real answer, if a rule fires for this request. */
  match(endpoint: string, ids: readonly string[]): { errcode: number; errmsg?: string } | null {
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.endpoint !== '*' && rule.endpoint !== endpoint) continue;
      if (active.forIds && !ids.some((id) => active.forIds?.has(id))) continue;
      if (rule.times !== undefined && active.fired >= rule.times) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      active.fired += 1;
      return { errcode: rule.errcode, errmsg: rule.errmsg };
    }
    return null;
  }

  private remove(id: number): void {
    const index = this.rules.findIndex((r) => r.id === id);
    if (index >= 0) this.rules.splice(index, 1);
  }
}
