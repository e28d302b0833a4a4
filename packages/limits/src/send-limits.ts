import type { Limiter } from './limiter.ts';
import type { Decision, LimitCheck, RateWindow } from './types.ts';

/** The limits of one channel or provider, counted across every worker and instance. */
export interface ScopePolicy {
  rate?: RateWindow[];
  dailyCap?: number;
  concurrency?: { limit: number; leaseMs: number };
}

/** A channel's own limits, and those of each recipient on it (a member, a phone number, a robot or bot webhook). */
export interface ChannelPolicy extends ScopePolicy {
  perRecipient?: { rate?: RateWindow[]; dailyCap?: number };
}

export interface LimitsConfig {
  channels: Record<string, ChannelPolicy>;
  providers?: Record<string, ScopePolicy>;
}

/** What one send is counted against. For the robot and bot channels the recipient is the robot or bot itself. */
export interface SendSubject {
  channel: string;
  provider?: string;
  recipient: string;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The providers' published limits (external-apis §1.4, §1.8, §4; peer-lessons): WeCom drops a member's app messages
 * past 30 a minute and 1,000 an hour without an error, a group robot takes 20 a minute, a Feishu custom bot 5 a
 * second and 100 a minute; Aliyun SMS 5,000 and Tencent SMS 3,000 requests a second. A starting point for the hot
 * configuration, not a promise: the providers change these.
 */
export const DOCUMENTED_LIMITS: LimitsConfig = {
  channels: {
    wecom_app: { perRecipient: { rate: [{ limit: 30, windowMs: MINUTE }, { limit: 1_000, windowMs: HOUR }] } },
    wecom_robot: { perRecipient: { rate: [{ limit: 20, windowMs: MINUTE }] } },
    feishu_bot: { perRecipient: { rate: [{ limit: 5, windowMs: SECOND }, { limit: 100, windowMs: MINUTE }] } },
  },
  providers: {
    aliyun: { rate: [{ limit: 5_000, windowMs: SECOND }] },
    tencent: { rate: [{ limit: 3_000, windowMs: SECOND }] },
  },
};

function scopeChecks(scope: string, id: string, policy: ScopePolicy | undefined): LimitCheck[] {
  if (!policy) return [];
  const key = `${scope}:${id}`;
  const checks: LimitCheck[] = [];
  if (policy.rate?.length) checks.push({ kind: 'rate', name: `${scope}_rate`, key, windows: policy.rate });
  if (policy.dailyCap !== undefined) checks.push({ kind: 'daily_cap', name: `${scope}_daily_cap`, key, limit: policy.dailyCap });
  if (policy.concurrency) checks.push({ kind: 'concurrency', name: `${scope}_concurrency`, key, ...policy.concurrency });
  return checks;
}

/**
 * Every check one send must pass under `config`: the channel's, its provider's and the recipient's.
 *
 * `arrivalMarginMs`: how much later than its reservation a call may reach the provider (the call's deadline). A slot
 * is reserved on Redis's clock just before the call, but the provider counts the call when it arrives; with windows
 * of exactly the provider's length, a first call that arrives late and a 31st that arrives on time fall into one of
 * WeCom's minutes, and WeCom drops the 31st without an error (seen in `npm run faults`: 51–56 of 2,520 pressed
 * messages). Widening every rate window by the margin makes any provider window of arrivals hold at most the limit.
 */
export function checksFor(config: LimitsConfig, subject: SendSubject, arrivalMarginMs = 0): LimitCheck[] {
  const channel = config.channels[subject.channel];
  return widened([
    ...scopeChecks('recipient', `${subject.channel}:${subject.recipient}`, channel?.perRecipient),
    ...scopeChecks('channel', subject.channel, channel),
    ...(subject.provider ? providerChecks(config, subject.provider) : []),
  ], arrivalMarginMs);
}

/** A provider's own checks alone (`providers.<name>`), for a router that picks the provider after the channel's checks passed. */
function providerChecks(config: LimitsConfig, provider: string): LimitCheck[] {
  return scopeChecks('provider', provider, config.providers?.[provider]);
}

function widened(checks: LimitCheck[], arrivalMarginMs: number): LimitCheck[] {
  if (arrivalMarginMs <= 0) return checks;
  return checks.map((check) => (check.kind === 'rate'
    ? { ...check, windows: check.windows.map((window) => ({ ...window, windowMs: window.windowMs + arrivalMarginMs })) }
    : check));
}

/** Every problem of a configuration at once (empty when it may be applied), for the hot configuration's validation. */
export function limitsConfigProblems(config: LimitsConfig): string[] {
  const problems: string[] = [];
  const positiveInt = (n: unknown) => Number.isInteger(n) && (n as number) >= 1;
  const scope = (where: string, policy: ScopePolicy) => {
    policy.rate?.forEach((w, i) => {
      if (!positiveInt(w.limit)) problems.push(`${where}.rate[${i}].limit 须为正整数`);
      if (!positiveInt(w.windowMs)) problems.push(`${where}.rate[${i}].windowMs 须为正整数`);
    });
    if (policy.dailyCap !== undefined && !positiveInt(policy.dailyCap)) problems.push(`${where}.dailyCap 须为正整数`);
    if (policy.concurrency && !positiveInt(policy.concurrency.limit)) problems.push(`${where}.concurrency.limit 须为正整数`);
    if (policy.concurrency && !positiveInt(policy.concurrency.leaseMs)) problems.push(`${where}.concurrency.leaseMs 须为正整数`);
  };
  for (const [name, policy] of Object.entries(config.channels)) {
    scope(`channels.${name}`, policy);
    if (policy.perRecipient) scope(`channels.${name}.perRecipient`, policy.perRecipient);
  }
  for (const [name, policy] of Object.entries(config.providers ?? {})) scope(`providers.${name}`, policy);
  return problems;
}

export interface SendLimits {
  /** Reserves the send's slot in every limit that applies under the configuration of the moment. */
  acquire(subject: SendSubject): Promise<Decision>;
  /**
   * Reserves a slot in one provider's limits only (`providers.<provider>`: rate, daily cap, concurrency): for the SMS
   * router, which picks the provider per message once `acquire` passed the channel's and the recipient's checks.
   */
  acquireProvider(provider: string): Promise<Decision>;
  /** Applies a new configuration to the next `acquire` of this process; throws listing its problems. */
  update(config: LimitsConfig): void;
  readonly config: LimitsConfig;
}

/**
 * The dispatcher's view: limits looked up per send from a configuration its hot configuration replaces at run time.
 * Counts survive a change (they live in Redis under the same keys): lowering 30/min to 10/min takes effect on the
 * very next send, with the sends of the last minute already counted.
 */
export function createSendLimits(limiter: Limiter, initial: LimitsConfig = DOCUMENTED_LIMITS, options: { arrivalMarginMs?: number } = {}): SendLimits {
  let current = initial;
  const update = (config: LimitsConfig) => {
    const problems = limitsConfigProblems(config);
    if (problems.length > 0) throw new RangeError(`invalid limits: ${problems.join('; ')}`);
    current = config;
  };
  update(initial);
  const reserve = async (checks: LimitCheck[]): Promise<Decision> => {
    // nothing limits this send: reserve nothing, but keep one answer shape for the caller
    if (checks.length === 0) return { outcome: 'reserved', reservation: { id: '', reservedAtMs: Date.now(), checks } };
    return limiter.acquire(checks);
  };
  return {
    acquire: (subject) => reserve(checksFor(current, subject, options.arrivalMarginMs ?? 0)),
    acquireProvider: (provider) => reserve(widened(providerChecks(current, provider), options.arrivalMarginMs ?? 0)),
    update,
    get config() {
      return current;
    },
  };
}
