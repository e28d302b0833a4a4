import { describe, expect, test } from 'vitest';
import { backoffDelayMs, errcodePolicy, KNOWN_ERRCODES } from '../src/index.ts';

describe('errcode policy', () => {
  test.each([
    [-1, 'backoff', 'busy', false],
    [40014, 'refresh_token', 'auth', true],
    [42001, 'refresh_token', 'auth', true],
    [40001, 'refresh_token', 'auth', true],
    [45009, 'wait_window', 'rate_limit', false],
    [45033, 'lower_concurrency', 'rate_limit', false],
    [60111, 'fail', 'not_found', true],
    [40003, 'fail', 'not_found', true],
    [40096, 'fail', 'not_found', true],
    [84061, 'fail', 'not_found', true],
    [49008, 'fail', 'not_found', true],
    [301059, 'fail', 'not_found', true],
    [48002, 'fail', 'permission', true],
    [84074, 'fail', 'permission', true],
    [60011, 'fail', 'permission', true],
    [60020, 'fail', 'ip', true],
    [40013, 'fail', 'auth', true],
    [40058, 'fail', 'other', true],
  ] as const)('when an API call answers %i, then the client reacts with %s (kind %s, permanent %s)', (errcode, reaction, kind, permanent) => {
    // Act
    const policy = errcodePolicy(errcode, 'api');

    // Assert
    expect(policy).toMatchObject({ reaction, kind, permanent });
  });

  test('when gettoken answers 40001, then it is a wrong secret: fail at once, never the refetch-and-retry of API calls', () => {
    // Act
    const policy = errcodePolicy(40001, 'gettoken');

    // Assert
    expect(policy.reaction).toBe('fail');
    expect(policy.kind).toBe('auth');
    expect(policy.permanent).toBe(true);
    expect(policy.hint).toMatch(/Secret 不正确/);
  });

  test('when gettoken answers 45009, then it fails without waiting (wrong secrets block the IP for an hour)', () => {
    // Act
    const policy = errcodePolicy(45009, 'gettoken');

    // Assert
    expect(policy).toMatchObject({ reaction: 'fail', kind: 'rate_limit', permanent: false });
  });

  test('when the errcode is unknown, then it is thrown (not retried) as "other", not permanent, with a lookup link', () => {
    // Act
    const policy = errcodePolicy(12345);

    // Assert
    expect(policy).toMatchObject({ reaction: 'fail', kind: 'other', permanent: false });
    expect(policy.hint).toContain('devtool/query?e=12345');
  });

  test('when an operator reads any hint, then it says what to do in Chinese and in English', () => {
    // Act
    const hints = KNOWN_ERRCODES.map((code) => errcodePolicy(code).hint);

    // Assert
    for (const hint of hints) {
      expect(hint).toMatch(/[\u4e00-\u9fff]/);
      expect(hint).toMatch(/\([^)]*[a-z]{3,}[^)]*\)$/);
    }
    expect(errcodePolicy(60020).hint).toMatch(/^服务器 IP 不在企业微信可信 IP 列表中.*\(add this server's IP to the app's trusted IPs/);
  });
});

describe('backoff delays', () => {
  test('when retries go on, then the delay doubles, stays within [half, full] of the nominal value, and is capped', () => {
    // Act
    const lowest = [0, 1, 2, 3, 4].map((retry) => backoffDelayMs(retry, 1000, 8000, () => 0));
    const highest = [0, 1, 2, 3, 4].map((retry) => backoffDelayMs(retry, 1000, 8000, () => 0.999999));

    // Assert
    expect(lowest).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(highest).toEqual([1000, 2000, 4000, 8000, 8000]);
  });
});
