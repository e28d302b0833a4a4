import { describe, expect, test } from 'vitest';
import { WecomError } from '../src/index.ts';
import { manualClock, resolvableStaff, startHarness, userGetError } from './wecom-fake-harness.ts';

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A client that has fetched its token and used it once; then WeCom revokes every token, answering `errcode`. */
async function clientWithRevokedToken(errcode: 40014 | 40001) {
  const harness = await startHarness();
  const client = harness.client();
  const staff = resolvableStaff(harness.fake);
  await client.getUser(staff.userId);
  harness.fake.revokeTokens(errcode);
  return { harness, client, staff };
}

describe('WeCom client: access tokens', () => {
  test('when twenty lookups start at once with no token cached, then the fake sees one gettoken and twenty lookups', async () => {
    // Arrange
    const harness = await startHarness();
    const client = harness.client({ concurrency: 8 });
    const staff = resolvableStaff(harness.fake);

    // Act
    const users = await Promise.all(Array.from({ length: 20 }, () => client.getUser(staff.userId)));

    // Assert
    expect(users.every((u) => u.name === staff.name)).toBe(true);
    expect(harness.fake.calls.count('gettoken')).toBe(1);
    expect(harness.fake.calls.count('user/get', 0)).toBe(20);
  });

  test('when the token expires mid-run, then the client drops it, fetches a new one once and the call succeeds', async () => {
    // Arrange: the fake's clock runs ahead; the client still believes its token is fresh
    const clock = manualClock();
    const harness = await startHarness({ now: clock.now, tokenTtlSeconds: 7200 });
    const client = harness.client();
    const staff = resolvableStaff(harness.fake);
    await client.getUser(staff.userId);

    // Act
    clock.advance(7201 * 1000);
    const user = await client.getUser(staff.userId);

    // Assert
    expect(user.userId).toBe(staff.userId);
    expect(harness.fake.calls.count('user/get', 42001)).toBe(1);
    expect(harness.fake.calls.count('gettoken')).toBe(2);
    expect(harness.fake.calls.count('user/get')).toBe(3);
  });

  test('when WeCom revokes tokens early (40014), then the next call refetches once and succeeds', async () => {
    // Arrange
    const { harness, client, staff } = await clientWithRevokedToken(40014);

    // Act
    const user = await client.getUser(staff.userId);

    // Assert
    expect(user.name).toBe(staff.name);
    expect(harness.fake.calls.count('user/get', 40014)).toBe(1);
    expect(harness.fake.calls.count('gettoken')).toBe(2);
  });

  test('when a revoked token answers 40001 ("invalid credential"), then the client treats it like an invalid token: refetch once', async () => {
    // Arrange
    const { harness, client, staff } = await clientWithRevokedToken(40001);

    // Act
    const user = await client.getUser(staff.userId);

    // Assert
    expect(user.name).toBe(staff.name);
    expect(harness.fake.calls.count('user/get', 40001)).toBe(1);
    expect(harness.fake.calls.count('gettoken')).toBe(2);
  });

  test('when ten calls in flight all see their token revoked, then they share one new token', async () => {
    // Arrange
    const harness = await startHarness({ latencyMs: 30 });
    const client = harness.client({ concurrency: 10 });
    const staff = resolvableStaff(harness.fake);
    await client.getUser(staff.userId);
    harness.fake.revokeTokens();

    // Act
    await Promise.all(Array.from({ length: 10 }, () => client.getUser(staff.userId)));

    // Assert
    expect(harness.fake.calls.count('user/get', 40014)).toBe(10);
    expect(harness.fake.calls.count('gettoken')).toBe(2);
  });

  test('when the token is rejected again right after refetching, then the client stops after one retry and throws an auth error', async () => {
    // Arrange
    const harness = await startHarness();
    const client = harness.client();

    // Act
    const error = await userGetError(harness, client, 42001);

    // Assert
    expect(error).toBeInstanceOf(WecomError);
    expect(error).toMatchObject({ errcode: 42001, kind: 'auth', permanent: true });
    expect(harness.fake.calls.count('user/get')).toBe(2);
    expect(harness.fake.calls.count('gettoken')).toBe(2);
  });

  test('when the refresh margin is reached, then the client fetches a new token before the old one expires (no 42001 seen)', async () => {
    // Arrange: one clock for both sides; tokens live 20 s, refreshed 5 s early
    const clock = manualClock();
    const harness = await startHarness({ now: clock.now, tokenTtlSeconds: 20 });
    const client = harness.client({ tokenRefreshMarginSeconds: 5, time: { now: clock.now, sleep: realSleep } });
    const staff = resolvableStaff(harness.fake);
    await client.getUser(staff.userId);

    // Act
    clock.advance(14_000);
    await client.getUser(staff.userId);
    const tokensBeforeMargin = harness.fake.calls.count('gettoken');
    clock.advance(1_500);
    await client.getUser(staff.userId);

    // Assert
    expect(tokensBeforeMargin).toBe(1);
    expect(harness.fake.calls.count('gettoken')).toBe(2);
    expect(harness.fake.calls.count('user/get', 42001)).toBe(0);
  });
});
