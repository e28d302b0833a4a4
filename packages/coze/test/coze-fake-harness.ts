import { startCozeFake, type StartCozeFakeOptions, type StartedCozeFake } from '@doitcrm/fakes';
import { closeWhenTestEnds } from '@doitcrm/fakes/testing';
import { createCozeClient, CozeError, type CozeClient, type CozeClientOptions } from '../src/index.ts';

export interface Harness extends StartedCozeFake {
  /** a client of this fake with its token, fast retries and the given overrides */
  client(overrides?: Partial<CozeClientOptions>): CozeClient;
}

/** The Coze fake on 127.0.0.1, a random port, closed when the test ends. */
export async function startHarness(options: StartCozeFakeOptions = {}): Promise<Harness> {
  const started = closeWhenTestEnds(await startCozeFake(options));
  return {
    ...started,
    client: (overrides = {}) => createCozeClient({
      baseUrl: started.url, token: started.token, retryBaseDelayMs: 5, retryMaxDelayMs: 20, idleTimeoutMs: 2_000, ...overrides,
    }),
  };
}

let serial = 0;

/** A transcript like the messages service sends: a heading, a blank line, then `lines` message lines. */
export function transcript(lines = 3): string {
  serial += 1;
  const body = Array.from({ length: lines }, (_, i) => `  2025-12-30T10:${String(i % 60).padStart(2, '0')}  对方  第 ${i + 1} 条消息`);
  return [`测试家长${serial} (2025-12-01 ~ 2025-12-31)`, '', ...body].join('\n');
}

/** Raw `/v3/chat` call, for asserting what the fake itself answers. */
export function postChat(harness: Harness, body: Record<string, unknown>, query = ''): Promise<Response> {
  return fetch(`${harness.url}/v3/chat${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${harness.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The CozeError a chat with a transcript ends in (anything else fails the test). */
export async function chatError(h: Harness, overrides: Parameters<Harness['client']>[0] = {}): Promise<CozeError> {
  const error = await h.client(overrides).chat({ botId: h.parentBotId, userId: 'u', content: transcript() }).catch((e: unknown) => e);
  if (!(error instanceof CozeError)) throw new Error(`expected a CozeError, got ${String(error)}`);
  return error;
}

/** Per `/v3/chat` request: the injection that fired, else the code answered. */
export const chatCodes = (h: Harness) => h.fake.requests.filter((r) => r.endpoint === 'chat').map((r) => r.injected ?? r.code);
