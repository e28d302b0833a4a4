import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppWebhookAdapter, isChannelError } from '@doitcrm/channels';
import { blockedReason, createWebhookGuard, UnsafeWebhookError } from './webhook-guard.ts';

/** a local receiver counting what reaches it, standing in for a service on this machine */
let server: http.Server;
let port = 0;
let hits = 0;
beforeAll(async () => {
  server = http.createServer((_req, res) => {
    hits += 1;
    res.end('secret internal answer');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const resolvesTo = (...addresses: string[]) => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error);
const post = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('webhook SSRF guard', () => {
  it.each([
    ['http://127.0.0.1:5432/', 'loopback'],
    ['http://10.20.30.40/hook', 'private'],
    ['http://172.16.0.1/hook', 'private'],
    ['http://192.168.1.1/hook', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://[::1]:6379/', 'loopback v6'],
    ['http://[::ffff:127.0.0.1]/', 'IPv4-mapped loopback'],
    ['http://[fd00:ec2::254]/', 'unique local v6'],
    ['http://0.0.0.0:5040/', 'unspecified'],
  ])('when a template URL is %s (%s), then it is refused', async (url) => {
    const guard = createWebhookGuard({ allowHosts: [] });

    const error = await refusal(guard.check(url));

    expect(error).toBeInstanceOf(UnsafeWebhookError);
  });

  it('when a host name resolves to a loopback, private or metadata address, then it is refused before any connection', async () => {
    for (const address of ['127.0.0.1', '10.0.0.8', '169.254.169.254', '::1']) {
      const guard = createWebhookGuard({ allowHosts: [], lookup: resolvesTo('93.184.216.34', address) });

      const error = await refusal(guard.check('https://hooks.example.com/notify'));

      expect(error, address).toBeInstanceOf(UnsafeWebhookError);
      expect((error as Error).message).toContain(address);
    }
  });

  it('when the name resolves to a public address at the check and to loopback at connect time (DNS rebinding), then the request never reaches this machine', async () => {
    let calls = 0;
    const guard = createWebhookGuard({
      allowHosts: [],
      lookup: async () => [{ address: ++calls === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }],
    });
    const before = hits;

    const error = await refusal(guard.request(`http://rebind.example.com:${port}/`, post('{}'), 2_000));

    expect(error).toBeInstanceOf(Error);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(hits).toBe(before);
  });

  it('when the app-webhook adapter calls through the guard and the name rebinds to a private address at connect time, then the send fails and the receiver is never reached', async () => {
    let calls = 0;
    const guard = createWebhookGuard({
      allowHosts: [],
      lookup: async () => [{ address: ++calls === 1 ? '93.184.216.34' : '10.1.2.3', family: 4 }],
    });
    const adapter = createAppWebhookAdapter({ url: `http://rebind.example.com:${port}/hooks`, secret: 's', timeoutMs: 2_000, request: guard.request });
    const before = hits;

    const error = await refusal(adapter.send({ id: 'm-rebind', to: 'app-user', text: 'hi' }));

    // refused by the connect-time lookup: the check before it saw only the public address
    expect(calls).toBe(2);
    expect(isChannelError(error)).toBe(true);
    expect((error as Error & { cause?: Error }).cause).toBeInstanceOf(UnsafeWebhookError);
    expect((error as Error).message).toContain('10.1.2.3');
    expect(hits).toBe(before);
  });

  it('when a loopback URL is called without the allow-list, then the local service is not reached; with its host allowed, it is', async () => {
    const before = hits;
    const refused = await refusal(createWebhookGuard({ allowHosts: [] }).request(`http://127.0.0.1:${port}/`, post(''), 2_000));
    expect(refused).toBeInstanceOf(UnsafeWebhookError);
    expect(hits).toBe(before);

    const response = await createWebhookGuard({ allowHosts: ['127.0.0.1'] }).request(`http://127.0.0.1:${port}/`, post('x'), 2_000);

    expect(response.status).toBe(200);
    expect(response.text).toBe('secret internal answer');
    expect(hits).toBe(before + 1);
  });

  it('when an address is public, then it passes; this machine\'s own interface addresses do not', () => {
    expect(blockedReason('93.184.216.34')).toBeNull();
    expect(blockedReason('2606:2800:220:1:248:1893:25c8:1946')).toBeNull();
    const own = Object.values(os.networkInterfaces()).flat().map((entry) => entry?.address).filter((a): a is string => Boolean(a));
    for (const address of own) expect(blockedReason(address), address).not.toBeNull();
  });

  it('when the URL is not http(s) or carries credentials, then it is refused', async () => {
    const guard = createWebhookGuard({ allowHosts: [] });
    expect(await refusal(guard.check('file:///etc/passwd'))).toBeInstanceOf(UnsafeWebhookError);
    expect(await refusal(guard.check('gopher://example.com/'))).toBeInstanceOf(UnsafeWebhookError);
    expect(await refusal(guard.check('http://user:pass@example.com/'))).toBeInstanceOf(UnsafeWebhookError);
  });
});
