import { generateSchool } from '@doitcrm/demo-data';
import type { WecomFake, WecomFakeOptions } from '../src/index.ts';
import { closeWhenTestEnds, listenWecomFake } from '../src/testing.ts';

/** One demo school for every test file: generating it is the slow part of starting a fake. */
export const school = generateSchool();

export type Answer = { errcode: number; errmsg: string } & Record<string, unknown>;

export interface RunningFake {
  fake: WecomFake;
  url: string;
  close(): Promise<void>;
  /** a raw HTTP exchange, as any client would make it */
  request(method: 'GET' | 'POST', path: string, options?: { query?: Record<string, string>; body?: unknown; rawBody?: string }): Promise<{ status: number; body: Answer }>;
  get(path: string, query?: Record<string, string>): Promise<Answer>;
  post(path: string, body: unknown, query?: Record<string, string>): Promise<Answer>;
  /** a token of the contact app (or the archive app) */
  token(app?: 'contact' | 'archive'): Promise<string>;
}

/** The fake on 127.0.0.1, a random port, talked to over real HTTP with Node's fetch, closed when the test ends. */
export async function startFake(options: WecomFakeOptions = {}): Promise<RunningFake> {
  const server = closeWhenTestEnds(await listenWecomFake({ school, ...options }));
  const { fake } = server;
  const request: RunningFake['request'] = async (method, path, { query = {}, body, rawBody } = {}) => {
    const url = new URL(`/cgi-bin/${path}`, server.url);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const response = await fetch(url, {
      method,
      headers: method === 'POST' ? { 'content-type': 'application/json' } : undefined,
      body: method === 'POST' ? rawBody ?? JSON.stringify(body ?? {}) : undefined,
    });
    return { status: response.status, body: (await response.json()) as Answer };
  };
  const token = async (app: 'contact' | 'archive' = 'contact') => {
    const secret = app === 'contact' ? fake.secret : fake.archiveSecret;
    const { body } = await request('GET', 'gettoken', { query: { corpid: fake.corpId, corpsecret: secret } });
    if (body.errcode !== 0) throw new Error(`gettoken failed: ${JSON.stringify(body)}`);
    return body.access_token as string;
  };
  return {
    fake,
    url: server.url,
    close: server.close,
    request,
    token,
    get: async (path, query = {}) => (await request('GET', path, { query: { access_token: await token(), ...query } })).body,
    post: async (path, body, query = {}) => (await request('POST', path, { body, query: { access_token: await token(), ...query } })).body,
  };
}
