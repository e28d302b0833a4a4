import { describe, expect, test } from 'vitest';
import { createWecomClient, WecomError, WecomTransportError } from '../src/index.ts';
import { resolvableParent, resolvableStaff, school, startHarness, userGetError } from './wecom-fake-harness.ts';

describe('WeCom client: error policy', () => {
  test('when WeCom is busy (−1) twice, then the client backs off and the third call succeeds', async () => {
    // Arrange
    const harness = await startHarness();
    const client = harness.client();
    const staff = resolvableStaff(harness.fake);
    harness.fake.inject({ endpoint: 'user/get', errcode: -1, times: 2 });

    // Act
    const user = await client.getUser(staff.userId);

    // Assert
    expect(user.name).toBe(staff.name);
    expect(harness.fake.calls.forEndpoint('user/get').map((c) => c.errcode)).toEqual([-1, -1, 0]);
  });

  test('when the client backs off, then it logs a warning naming endpoint and errcode, never the token or the secret', async () => {
    // Arrange
    const harness = await startHarness();
    const warnings: Array<{ obj: object; msg: string }> = [];
    const client = harness.client({ logger: { warn: (obj, msg) => warnings.push({ obj, msg }) } });
    harness.fake.inject({ endpoint: 'user/get', errcode: -1, times: 1 });

    // Act
    await client.getUser(resolvableStaff(harness.fake).userId);

    // Assert
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.obj).toMatchObject({ endpoint: 'user/get', errcode: -1, retry: 1 });
    const logged = JSON.stringify(warnings);
    expect(logged).not.toContain(harness.fake.secret);
    expect(logged).not.toContain('FAKE_');
  });

  test('when WeCom stays busy, then the client gives up after its bounded retries with a transient "busy" error', async () => {
    // Arrange
    const harness = await startHarness();
    const client = harness.client({ retry: { busyMaxRetries: 3 } });

    // Act
    const error = await userGetError(harness, client, -1);

    // Assert
    expect(error).toMatchObject({ errcode: -1, kind: 'busy', permanent: false });
    expect(harness.fake.calls.count('user/get')).toBe(4);
  });

  test('when the corp exceeds the fake\'s rate window (45009), then every caller waits out the window and all calls succeed', async () => {
    // Arrange: the fake allows 3 calls per 200 ms window; the client waits 250 ms on 45009
    const harness = await startHarness({ rateLimit: { calls: 3, windowMs: 200 } });
    const client = harness.client({ concurrency: 1, retry: { frequencyLimitWaitMs: 250, frequencyLimitMaxRetries: 2 } });
    const staff = resolvableStaff(harness.fake);
    const started = Date.now();

    // Act
    const users = [];
    for (let i = 0; i < 5; i++) users.push(await client.getUser(staff.userId));
    const elapsed = Date.now() - started;

    // Assert
    expect(users).toHaveLength(5);
    expect(harness.fake.calls.count('user/get', 45009)).toBe(1);
    expect(harness.fake.calls.count('user/get', 0)).toBe(5);
    expect(elapsed).toBeGreaterThanOrEqual(250);
  });

  test('when 45009 persists after waiting, then the client stops after its bounded retries with a transient rate_limit error', async () => {
    // Arrange
    const harness = await startHarness();
    const client = harness.client({ retry: { frequencyLimitWaitMs: 20, frequencyLimitMaxRetries: 2 } });

    // Act
    const error = await userGetError(harness, client, 45009);

    // Assert
    expect(error).toMatchObject({ errcode: 45009, kind: 'rate_limit', permanent: false });
    expect(harness.fake.calls.count('user/get')).toBe(3);
  });

  test('when the fake allows two calls in flight and the client runs eight, then 45033 lowers the client\'s concurrency and every call succeeds', async () => {
    // Arrange
    const harness = await startHarness({ maxConcurrentPerEndpoint: 2, latencyMs: 40 });
    const client = harness.client({ concurrency: 8, retry: { concurrencyMaxRetries: 6 } });
    const parents = school.parents.slice(100, 124);

    // Act
    const contacts = await Promise.all(parents.map((p) => client.getExternalContact(p.externalId)));

    // Assert
    expect(contacts.map((c) => c.externalUserId)).toEqual(parents.map((p) => p.externalId));
    expect(harness.fake.calls.count('externalcontact/get', 45033)).toBeGreaterThan(0);
    expect(client.diagnostics().concurrencyLimit).toBeLessThanOrEqual(4);
    expect(harness.fake.peakInFlight('externalcontact/get')).toBeLessThanOrEqual(2);
  });

  test.each([
    [60111, 'not_found'],
    [40003, 'not_found'],
    [40096, 'not_found'],
    [84061, 'not_found'],
    [49008, 'not_found'],
    [48002, 'permission'],
    [84074, 'permission'],
    [60011, 'permission'],
    [60020, 'ip'],
    [40058, 'other'],
  ] as const)('when WeCom answers the permanent errcode %i, then the client throws it at once (kind %s) without retrying', async (errcode, kind) => {
    // Arrange
    const harness = await startHarness();
    const client = harness.client();
    const parent = resolvableParent(harness.fake);
    harness.fake.inject({ endpoint: 'externalcontact/get', errcode });

    // Act
    const error = await client.getExternalContact(parent.externalId).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(WecomError);
    expect(error).toMatchObject({ errcode, kind, permanent: true, endpoint: 'externalcontact/get' });
    expect((error as WecomError).hint).toMatch(/[\u4e00-\u9fff].*\(.+\)$/);
    expect(harness.fake.calls.count('externalcontact/get')).toBe(1);
  });

  test('when WeCom answers an errcode the client does not know, then it is thrown once, never retried blindly', async () => {
    // Arrange
    const harness = await startHarness();
    const client = harness.client();

    // Act
    const error = await userGetError(harness, client, 99999);

    // Assert
    expect(error).toMatchObject({ errcode: 99999, kind: 'other', permanent: false });
    expect(harness.fake.calls.count('user/get')).toBe(1);
  });

  test('when the server\'s IP is not trusted, then the first call fails with the operator hint and nothing is retried', async () => {
    // Arrange
    const harness = await startHarness();
    const client = harness.client();
    harness.fake.setIpTrusted(false);

    // Act
    const error = await client.getUser(resolvableStaff(harness.fake).userId).catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({ errcode: 60020, kind: 'ip', permanent: true });
    expect((error as WecomError).hint).toContain('可信 IP');
    expect(harness.fake.calls.count('user/get')).toBe(1);
  });

  test('when the fake is slower than the timeout, then each attempt is aborted and a timeout transport error is thrown', async () => {
    // Arrange
    const harness = await startHarness({ latencyMs: 400 });
    const client = harness.client({ requestTimeoutMs: 50, retry: { busyMaxRetries: 1 } });

    // Act
    const error = await client.getUser(resolvableStaff(harness.fake).userId).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(WecomTransportError);
    expect(error).toMatchObject({ reason: 'timeout', transient: true });
  });

  test('when nothing listens at the base URL, then the client retries a bounded number of times and throws a network error', async () => {
    // Arrange: a port that was just freed
    const harness = await startHarness();
    const { url } = harness;
    await harness.close();
    const client = createWecomClient({ baseUrl: url, corpId: 'wwclosed', secret: 'closed-port', retry: { busyMaxRetries: 2, busyBaseDelayMs: 1 } });

    // Act
    const error = await client.getUser('anyone').catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(WecomTransportError);
    expect(error).toMatchObject({ reason: 'network', endpoint: 'gettoken' });
  });
});
