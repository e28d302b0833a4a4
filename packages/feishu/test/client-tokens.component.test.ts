import { describe, expect, test } from 'vitest';
import { codesOf, feishuError, startHarness } from './feishu-fake-harness.ts';

describe('Feishu client: the tenant access token', () => {
  test('when one call answers 99991663, then the client fetches the token again once and repeats the call once', async () => {
    // Arrange
    const h = await startHarness({ demo: { students: 2 } });
    h.fake.inject({ kind: 'token_invalid', endpoint: 'fields_list', times: 1 });
    const client = h.client();

    // Act
    const fields = await client.listFields(h.students);

    // Assert
    expect(fields.map((f) => f.name)).toContain('用户ID');
    expect(codesOf(h.fake, 'fields_list')).toEqual([99991663, 0]);
    expect(client.calls.byEndpoint()).toEqual({ fields_list: 2, tenant_access_token: 2 });
  });

  test('when every call answers 99991663, then the client refreshes once and throws a config error — it never loops', async () => {
    // Arrange
    const h = await startHarness({ demo: { students: 2 } });
    h.fake.inject({ kind: 'token_invalid', endpoint: 'fields_list' });
    const client = h.client();

    // Act
    const error = await feishuError(client.listFields(h.students));

    // Assert
    expect(error).toMatchObject({ kind: 'config', code: 99991663, httpStatus: 400 });
    expect(h.fake.calls.count('fields_list')).toBe(2);
    expect(h.fake.calls.count('tenant_access_token')).toBe(2);
  });

  test('when Feishu revokes the issued tokens, then the next call gets a new token and succeeds', async () => {
    // Arrange
    const h = await startHarness({ demo: { students: 2 } });
    const client = h.client();
    await client.listFields(h.students);

    // Act
    h.fake.revokeTokens();
    const fields = await client.listFields(h.students);

    // Assert
    expect(fields.length).toBeGreaterThan(0);
    expect(codesOf(h.fake, 'fields_list')).toEqual([0, 99991663, 0]);
    expect(h.fake.calls.count('tenant_access_token', 0)).toBe(2);
  });

  test('when the token has 31 minutes left the client keeps it; under 30 it fetches and Feishu hands out a new one', async () => {
    // Arrange: one clock for the fake and the client
    let now = Date.UTC(2026, 0, 5, 2);
    const h = await startHarness({ demo: { students: 1 }, now: () => now });
    const client = h.client({ now: () => now });
    await client.listFields(h.students);
    const firstToken = h.fake.calls.count('tenant_access_token');

    // Act
    now += (7_200 - 31 * 60) * 1_000;
    await client.listFields(h.students);
    const stillOne = h.fake.calls.count('tenant_access_token');
    now += 2 * 60 * 1_000;
    await client.listFields(h.students);

    // Assert
    expect(firstToken).toBe(1);
    expect(stillOne).toBe(1);
    expect(h.fake.calls.count('tenant_access_token', 0)).toBe(2);
    expect(codesOf(h.fake, 'fields_list')).toEqual([0, 0, 0]);
  });

  test('when the app secret is wrong, then the token request fails once with a config error and no API call is made', async () => {
    // Arrange
    const h = await startHarness({ demo: { students: 1 } });
    const client = h.client({ appSecret: 'not-the-secret' });

    // Act
    const error = await feishuError(client.listFields(h.students));

    // Assert
    expect(error).toMatchObject({ kind: 'config', code: 10014, endpoint: 'tenant_access_token', retryable: false });
    expect(h.fake.calls.count('tenant_access_token')).toBe(1);
    expect(h.fake.calls.count('fields_list')).toBe(0);
  });
});
