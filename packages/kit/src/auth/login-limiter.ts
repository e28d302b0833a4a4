import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequestsError, UnavailableError } from '../errors.ts';

export interface LoginLimits {
  /** Failures allowed per username + IP within `perUserAndIpSeconds`; default 5 per 15 min. */
  failuresPerUserAndIp?: number;
  perUserAndIpSeconds?: number;
  /** Failures allowed per IP (any username) within `perIpSeconds`; default 50 per hour. */
  failuresPerIp?: number;
  perIpSeconds?: number;
}

export interface LoginLimiter {
  /** Throws TooManyRequestsError when either counter is used up; call before checking the password. */
  assertAllowed(username: string, ip: string): Promise<void>;
  /** Counts one failed attempt; throws TooManyRequestsError when this attempt crossed a limit. */
  recordFailure(username: string, ip: string): Promise<void>;
  /** A successful login clears the username + IP counter (the per-IP counter keeps counting). */
  recordSuccess(username: string, ip: string): Promise<void>;
}

/** "请 15 分钟后再试": how long to wait, in the unit a person thinks in. */
export function retryMessage(retryAfterSeconds: number): string {
  // the unit is chosen after rounding up, so 3,599 s reads "1 小时", never "60 分钟"
  const minutes = Math.ceil(retryAfterSeconds / 60);
  const wait =
    retryAfterSeconds < 60 ? `${retryAfterSeconds} 秒` : minutes < 60 ? `${minutes} 分钟` : `${Math.ceil(retryAfterSeconds / 3600)} 小时`;
  return `登录失败次数过多，请 ${wait}后再试`;
}

function blocked(msBeforeNext: number): TooManyRequestsError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new TooManyRequestsError(retryMessage(seconds), seconds);
}

/** Usernames are case-insensitive, so "Admin" and "admin" must share one counter. */
function userAndIpKey(username: string, ip: string): string {
  return `${username.trim().toLowerCase()}|${ip}`;
}

/** The rate-limiter's own rejection is a RateLimiterRes; anything else is Redis failing. */
function translate(error: unknown): never {
  if (error instanceof RateLimiterRes) throw blocked(error.msBeforeNext);
  throw new UnavailableError('登录服务暂时不可用，请稍后再试', error);
}

/**
 * Brute-force protection for POST /login (the nodebestpractices pattern): consecutive failures per username + IP
 * stop password guessing against one account, failures per IP stop spraying many accounts from one machine.
 * Only failures count, so a user who types the password right is never slowed down.
 */
export function createLoginLimiter(redis: Redis, limits: LoginLimits = {}): LoginLimiter {
  const failureLimiter = (keyPrefix: string, failures: number, seconds: number) =>
    new RateLimiterRedis({ storeClient: redis, keyPrefix, points: failures, duration: seconds, blockDuration: seconds });
  const byUserAndIp = failureLimiter('login_fail_user_ip', limits.failuresPerUserAndIp ?? 5, limits.perUserAndIpSeconds ?? 15 * 60);
  const byIp = failureLimiter('login_fail_ip', limits.failuresPerIp ?? 50, limits.perIpSeconds ?? 60 * 60);

  return {
    async assertAllowed(username, ip) {
      const [userAndIp, ipOnly] = await Promise.all([byUserAndIp.get(userAndIpKey(username, ip)), byIp.get(ip)]).catch(translate);
      // `>=`: once the allowed failures are used up, the next attempt is refused before its password is even checked
      const waits = [
        userAndIp && userAndIp.consumedPoints >= byUserAndIp.points ? userAndIp.msBeforeNext : 0,
        ipOnly && ipOnly.consumedPoints >= byIp.points ? ipOnly.msBeforeNext : 0,
      ];
      const wait = Math.max(...waits);
      if (wait > 0) throw blocked(wait);
    },

    async recordFailure(username, ip) {
      await Promise.all([byUserAndIp.consume(userAndIpKey(username, ip)), byIp.consume(ip)]).catch(translate);
    },

    async recordSuccess(username, ip) {
      await byUserAndIp.delete(userAndIpKey(username, ip)).catch(translate);
    },
  };
}
