import './express-augment.ts';

export type { AuthUser, User, UserWithCredentials } from './types.ts';
export { actorFromRequest, systemActor, auditAs, type Actor } from './actor.ts';
export { createAuth, type Auth, type AuthDeps } from './create-auth.ts';
export { authApi } from './auth-api.ts';
export { createAuthRouter, parseLoginBody, type AuthRouterDeps } from './auth-routes.ts';
export { createRequireUser, requireRole, sessionTokenFromRequest, toAuthUser } from './middleware.ts';
export { SESSION_COOKIE, readCookie, sessionCookieOptions } from './cookies.ts';
export { isUserRole, roleSatisfies } from './roles.ts';
export { hashPassword, verifyPassword, verifyPasswordOrDummy, needsRehash, warmUpDummyHash, SCRYPT_PARAMS } from './password.ts';
export {
  createSessionStore,
  isWellFormedToken,
  DEFAULT_SESSION_TTL_SECONDS,
  DEFAULT_SESSION_MAX_AGE_SECONDS,
  type SessionData,
  type SessionStore,
  type SessionStoreOptions,
} from './session-store.ts';
export { createLoginLimiter, retryMessage, type LoginLimiter, type LoginLimits } from './login-limiter.ts';
export { login, LOGIN_FAILED_MESSAGE, type LoginAttempt, type LoginDeps } from './login-use-case.ts';
export {
  recordAudit, recordAuditOrLog, auditFromRequest, auditRead, auditReadAlongside, AUDIT_UNAVAILABLE_MESSAGE, type AuditEntry, type RequestAuditEntry,
} from './audit.ts';
export {
  createUser,
  findUserByUsername,
  findUserById,
  listUsers,
  setUserPassword,
  setUserRole,
  setUserActive,
  touchUserLastLogin,
  type NewUser,
} from './user-repository.ts';
export { addUser, changePassword, changeRole, changeActive, assertRole, type UserAdminDeps, type FieldNames } from './user-admin.ts';
export {
  assertPasswordPolicy,
  normaliseNewUsername,
  normaliseDisplayName,
  MIN_PASSWORD_LENGTH,
  MAX_PASSWORD_LENGTH,
  MAX_USERNAME_LENGTH,
} from './credential-policy.ts';
