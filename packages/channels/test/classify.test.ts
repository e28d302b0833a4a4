import { describe, expect, test } from 'vitest';
import { classifyAliyunCode } from '../src/adapters/sms-aliyun.ts';
import { classifyTencentCode } from '../src/adapters/sms-tencent.ts';
import { retryAfterHeader, untilNextBeijingDay } from '../src/channel-error.ts';

// 2026-12-05 15:30 UTC = 23:30 in Beijing: half an hour before the providers' daily quotas reset
const NOW = Date.UTC(2026, 11, 5, 15, 30);

describe('provider codes → error classes', () => {
  test('when Aliyun names the flow-control window, then the wait is that window (minute, hour, until the Beijing day ends)', () => {
    // Act
    const minute = classifyAliyunCode('isv.BUSINESS_LIMIT_CONTROL', '触发分钟级流控Permits:1', NOW);
    const hour = classifyAliyunCode('isv.BUSINESS_LIMIT_CONTROL', '触发小时级流控Permits:5', NOW);
    const day = classifyAliyunCode('isv.BUSINESS_LIMIT_CONTROL', '触发天级流控Permits:10', NOW);

    // Assert
    expect([minute.retryAfterMs, hour.retryAfterMs, day.retryAfterMs]).toEqual([60_000, 3_600_000, 30 * 60_000]);
    expect([minute, hour, day].every((e) => e.kind === 'rate-limited' && e.recipient)).toBe(true);
  });

  test('when Aliyun answers a permission, template or unknown code, then permanent; isp.SYSTEM_ERROR, then transient', () => {
    // Act
    const kinds = ['isp.RAM_PERMISSION_DENY', 'isv.SMS_TEMPLATE_ILLEGAL', 'isv.SOMETHING_NEW', 'isp.SYSTEM_ERROR']
      .map((code) => classifyAliyunCode(code, '', NOW).kind);

    // Assert
    expect(kinds).toEqual(['permanent', 'permanent', 'permanent', 'transient']);
  });

  test('when Tencent answers a daily per-number limit, then the wait runs to the Beijing midnight; InternalError.Timeout is transient and ambiguous', () => {
    // Act
    const daily = classifyTencentCode('LimitExceeded.PhoneNumberDailyLimit', '', NOW);
    const timeout = classifyTencentCode('InternalError.Timeout', '', NOW);
    const auth = classifyTencentCode('AuthFailure.SecretIdNotFound', '', NOW);

    // Assert
    expect(daily).toMatchObject({ kind: 'rate-limited', retryAfterMs: 30 * 60_000, recipient: true });
    expect(timeout).toMatchObject({ kind: 'transient', ambiguous: true });
    expect(auth).toMatchObject({ kind: 'permanent', recipient: false });
  });

  test('when Retry-After is seconds or an HTTP date, then both read as ms from now; garbage reads as none', () => {
    // Act
    const seconds = retryAfterHeader('7', NOW);
    const date = retryAfterHeader(new Date(NOW + 90_000).toUTCString(), NOW);
    const garbage = retryAfterHeader('soon', NOW);

    // Assert
    expect([seconds, date, garbage]).toEqual([7_000, 90_000, undefined]);
    expect(untilNextBeijingDay(NOW)).toBe(30 * 60_000);
  });
});
