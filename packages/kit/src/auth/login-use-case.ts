import { UnauthorizedError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { recordAudit } from './audit.ts';
import type { LoginLimiter } from './login-limiter.ts';
import { hashPassword, needsRehash, verifyPasswordOrDummy } from './password.ts';
import type { Queryable } from '../db.ts';
import type { SessionStore } from './session-store.ts';
import type { AuthUser } from './types.ts';
import { findUserByUsername, setUserPassword, touchUserLastLogin } from './user-repository.ts';

/** One message for every failed login: which part was wrong, or whether the account exists, stays unknown. */
export const LOGIN_FAILED_MESSAGE = '用户名或密码错误';

export interface LoginDeps {
  db: Queryable;
  sessionStore: SessionStore;
  limiter: LoginLimiter;
  logger: Logger;
  service: string;
}

export interface LoginAttempt {
  username: string;
  password: string;
  ip: string;
  userAgent: string | null;
  /** the token the browser still carried, if any: ended so a login always starts a fresh session */
  previousToken?: string | undefined;
}

/**
 * Checks the credentials and opens a session. Every failure costs one KDF run whatever its cause (unknown user,
 * wrong password, disabled account), is audited with the username tried and counts against the limiter.
 */
export async function login(deps: LoginDeps, attempt: LoginAttempt): Promise<{ token: string; user: AuthUser }> {
  const { db, sessionStore, limiter, service } = deps;
  const { username, password, ip, userAgent } = attempt;
  await limiter.assertAllowed(username, ip);

  const found = await findUserByUsername(db, username);
  const passwordMatches = await verifyPasswordOrDummy(password, found?.passwordHash);
  if (!found || !passwordMatches || !found.isActive) {
    const reason = !found ? 'unknown_user' : !passwordMatches ? 'wrong_password' : 'disabled';
    await recordAudit(db, {
      service,
      action: 'auth.login_failed',
      targetType: 'user',
      targetId: found?.id ?? null,
      username,
      ip,
      userAgent,
      details: { reason },
    });
    await limiter.recordFailure(username, ip);
    throw new UnauthorizedError(LOGIN_FAILED_MESSAGE);
  }

  // Parameters may have been raised since this hash was made: upgrade it while we hold the plain password.
  if (needsRehash(found.passwordHash)) {
    await setUserPassword(db, found.id, await hashPassword(password));
    deps.logger.info({ userId: found.id }, 'password hash upgraded to current scrypt parameters');
  }
  await limiter.recordSuccess(username, ip);
  await touchUserLastLogin(db, found.id);
  await recordAudit(db, { service, action: 'auth.login', targetType: 'user', targetId: found.id, userId: found.id, username: found.username, ip, userAgent });

  if (attempt.previousToken) await sessionStore.destroy(attempt.previousToken);
  const user: AuthUser = { id: found.id, username: found.username, displayName: found.displayName ?? found.username, role: found.role };
  const { token } = await sessionStore.create({ userId: user.id, username: user.username, role: user.role, displayName: user.displayName, ip });
  return { token, user };
}
