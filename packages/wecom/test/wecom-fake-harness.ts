import { generateSchool } from '@doitcrm/demo-data';
import type { WecomFake, WecomFakeOptions } from '@doitcrm/fakes';
import { closeWhenTestEnds, listenWecomFake } from '@doitcrm/fakes/testing';
import { createWecomClient, type RetryPolicy, type WecomClient, type WecomClientOptions } from '../src/index.ts';

/** One demo school for every test file: generating it is the slow part of starting a fake. */
export const school = generateSchool();

/** Retries fast enough for tests; the rules are the same as in production. */
export const FAST_RETRY: Partial<RetryPolicy> = {
  busyBaseDelayMs: 5, busyMaxDelayMs: 20, concurrencyBaseDelayMs: 5, frequencyLimitWaitMs: 250,
};

/** A clock both the fake and the client can read, moved by the test (sleeping stays real). */
export function manualClock(start = Date.now()) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

export interface Harness {
  fake: WecomFake;
  url: string;
  /** a client of this fake with its credentials, fast retries, and the given overrides */
  client(overrides?: Partial<WecomClientOptions>): WecomClient;
  close(): Promise<void>;
}

/** The WeCom fake on 127.0.0.1, a random port, serving the shared demo school, closed when the test ends. */
export async function startHarness(options: WecomFakeOptions = {}): Promise<Harness> {
  const server = closeWhenTestEnds(await listenWecomFake({ school, ...options }));
  const { fake } = server;
  return {
    fake,
    url: server.url,
    client: (overrides = {}) => createWecomClient({
      baseUrl: server.url, corpId: fake.corpId, secret: fake.secret, archiveSecret: fake.archiveSecret,
      // the production default (1,000/min) would make tests wait; the limiter has its own tests
      rateLimitPerMinute: 60_000, rateLimitBurst: 50,
      ...overrides,
      retry: { ...FAST_RETRY, ...overrides.retry },
    }),
    close: server.close,
  };
}

/** Ids the fake answers normally (not among its deliberately unresolvable ones). */
export function resolvableParent(fake: WecomFake, prefix: 'wm' | 'wo' = 'wm') {
  const skip = new Set(fake.state.directory.unresolvable.map((u) => u.id));
  const parent = school.parents.find((p) => p.externalId.startsWith(prefix) && !skip.has(p.externalId));
  if (!parent) throw new Error(`the demo school has no resolvable ${prefix} parent`);
  return parent;
}

export function resolvableStaff(fake: WecomFake) {
  const staff = school.staff.find((s) => fake.state.directory.users.has(s.userId));
  if (!staff) throw new Error('the demo school has no resolvable staff');
  return staff;
}

/** Makes every `user/get` answer `errcode`, and returns what the client's lookup of a real staff member ends in. */
export function userGetError(harness: Harness, client: WecomClient, errcode: number): Promise<unknown> {
  harness.fake.inject({ endpoint: 'user/get', errcode });
  return client.getUser(resolvableStaff(harness.fake).userId).catch((e: unknown) => e);
}
