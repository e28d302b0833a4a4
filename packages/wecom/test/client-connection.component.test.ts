import { describe, expect, test } from 'vitest';
import { startHarness } from './wecom-fake-harness.ts';

describe('WeCom client: testConnection', () => {
  test('when corp id, both secrets, IP and permissions are right, then it reports ok with the corp id', async () => {
    // Arrange
    const harness = await startHarness();

    // Act
    const result = await harness.client().testConnection();

    // Assert
    expect(result).toEqual({ ok: true, corpId: harness.fake.corpId });
    expect(harness.fake.calls.count('externalcontact/get_follow_user_list', 0)).toBe(1);
    expect(harness.fake.calls.count('msgaudit/get_permit_user_list', 0)).toBe(1);
  });

  test('when the corp id is wrong, then it says so (40013) at the gettoken step', async () => {
    // Arrange
    const harness = await startHarness();

    // Act
    const result = await harness.client({ corpId: 'ww0000000000000000' }).testConnection();

    // Assert
    expect(result).toMatchObject({ ok: false, errcode: 40013, kind: 'auth', step: 'gettoken', secret: 'main' });
    expect(result.ok === false && result.hint).toContain('CorpID');
  });

  test('when the secret is wrong, then it says so (40001) after exactly one gettoken: wrong secrets are never retried', async () => {
    // Arrange
    const harness = await startHarness();

    // Act
    const result = await harness.client({ secret: 'not-the-secret' }).testConnection();

    // Assert
    expect(result).toMatchObject({ ok: false, errcode: 40001, kind: 'auth', step: 'gettoken', secret: 'main' });
    expect(result.ok === false && result.hint).toContain('Secret 不正确');
    expect(harness.fake.calls.count('gettoken')).toBe(1);
  });

  test('when the server\'s IP is not in the trusted list, then the token works but the probe reports 60020 with the fix', async () => {
    // Arrange
    const harness = await startHarness();
    harness.fake.setIpTrusted(false);

    // Act
    const result = await harness.client().testConnection();

    // Assert
    expect(result).toMatchObject({ ok: false, errcode: 60020, kind: 'ip', step: 'probe', secret: 'main' });
    expect(result.ok === false && result.hint).toContain('服务器 IP 不在企业微信可信 IP 列表中');
  });

  test('when the secret may not call customer-contact APIs, then the probe reports 48002 "permission"', async () => {
    // Arrange
    const harness = await startHarness();
    harness.fake.setPermissions('contact', ['user/get']);

    // Act
    const result = await harness.client().testConnection();

    // Assert
    expect(result).toMatchObject({ ok: false, errcode: 48002, kind: 'permission', step: 'probe', secret: 'main' });
  });

  test('when only the archive secret is wrong, then the main secret passes and the archive secret is named as the problem', async () => {
    // Arrange
    const harness = await startHarness();

    // Act
    const result = await harness.client({ archiveSecret: 'wrong-archive-secret' }).testConnection();

    // Assert
    expect(result).toMatchObject({ ok: false, errcode: 40001, step: 'gettoken', secret: 'archive' });
  });

  test('when nothing answers at the base URL, then it reports a network problem instead of throwing', async () => {
    // Arrange
    const harness = await startHarness();
    const client = harness.client({ retry: { busyMaxRetries: 0 } });
    await harness.close();

    // Act
    const result = await client.testConnection();

    // Assert
    expect(result).toMatchObject({ ok: false, errcode: null, kind: 'network', step: 'gettoken' });
  });
});
