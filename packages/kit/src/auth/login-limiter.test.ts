import { describe, expect, it } from 'vitest';
import { retryMessage } from './login-limiter.ts';

describe('retryMessage', () => {
  it('when the wait is under a minute, then it is said in seconds', () => {
    expect(retryMessage(42)).toBe('登录失败次数过多，请 42 秒后再试');
  });

  it('when the wait is minutes, then it is rounded up to whole minutes', () => {
    expect(retryMessage(60)).toBe('登录失败次数过多，请 1 分钟后再试');
    expect(retryMessage(14 * 60 + 1)).toBe('登录失败次数过多，请 15 分钟后再试');
  });

  it('when the wait rounds up to sixty minutes, then it reads one hour, not 60 分钟', () => {
    expect(retryMessage(3599)).toBe('登录失败次数过多，请 1 小时后再试');
    expect(retryMessage(3600)).toBe('登录失败次数过多，请 1 小时后再试');
    expect(retryMessage(2 * 3600)).toBe('登录失败次数过多，请 2 小时后再试');
  });
});
