import type { FeishuFake, FeishuFakeOptions } from '@doitcrm/fakes';
import { listenFeishuFake } from '@doitcrm/fakes/testing';
import { createFeishuClient, FeishuError, type FeishuClient, type FeishuClientOptions, type TableRef } from '../src/index.ts';

export interface Harness {
  fake: FeishuFake;
  url: string;
  students: TableRef;
  records: TableRef;
  /** a client of this fake with fast retries and the given overrides */
  client(overrides?: Partial<FeishuClientOptions>): FeishuClient;
}

/** The Feishu fake on 127.0.0.1, a random port, closed when the test ends. */
export async function startHarness(options: FeishuFakeOptions = {}): Promise<Harness> {
  const { fake, url } = await listenFeishuFake(options);
  return {
    fake,
    url,
    students: { appToken: fake.demo.appToken, tableId: fake.demo.studentsTableId },
    records: { appToken: fake.demo.appToken, tableId: fake.demo.recordsTableId },
    client: (overrides = {}) => createFeishuClient({
      baseUrl: url, appId: fake.appId, appSecret: fake.appSecret,
      retry: { baseDelayMs: 5, maxDelayMs: 20, rateLimitMaxWaitMs: 5_000 }, ...overrides,
    }),
  };
}

/** The FeishuError a promise ends in (anything else fails the test). */
export async function feishuError(promise: Promise<unknown>): Promise<FeishuError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (!(error instanceof FeishuError)) throw new Error(`expected a FeishuError, got ${String(error)}`);
  return error;
}

/** codes the fake answered one endpoint with, in order */
export const codesOf = (fake: FeishuFake, endpoint: string) => fake.calls.forEndpoint(endpoint).map((c) => c.errcode);
