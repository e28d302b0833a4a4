import type { UserRole } from '@doitcrm/types';
import { ValidationError, type ErrorDetail } from '../errors.ts';
import { recordAudit } from './audit.ts';
import { assertPasswordPolicy, normaliseDisplayName, normaliseNewUsername } from './credential-policy.ts';
import { hashPassword } from './password.ts';
import type { Queryable } from '../db.ts';
import { isUserRole } from './roles.ts';
import type { SessionStore } from './session-store.ts';
import type { User } from './types.ts';
import { createUser, setUserActive, setUserPassword, setUserRole } from './user-repository.ts';

/**
 * User management as one story per change: validate, write, end the sessions the change invalidates, audit.
 * Used by the CLI today and by an admin page later. `actor` is who made the change (null for the CLI).
 */
export interface UserAdminDeps {
  db: Queryable;
  /** needed by the changes that end sessions (password, role, disable) */
  sessionStore?: SessionStore;
  service: string;
  actor?: { userId: number | null; username: string | null; ip?: string | null } | undefined;
}

/** Field names in errors; the CLI passes its flag names so messages point at what to fix. */
export interface FieldNames {
  username?: string;
  password?: string;
  role?: string;
  displayName?: string;
}

export function assertRole(role: unknown, field = 'role'): asserts role is UserRole {
  if (!isUserRole(role)) {
    const message = `角色必须是 admin、staff 或 viewer 之一，收到: ${String(role)}`;
    throw new ValidationError(message, [{ field, message }]);
  }
}

type Results<T extends readonly (() => unknown)[]> = { -readonly [K in keyof T]: T[K] extends () => infer R ? R : never };

/** Runs every check and reports all their problems in one ValidationError, so a form or CLI call is fixed in one go. */
function collectValidation<T extends readonly (() => unknown)[]>(checks: T): Results<T> {
  const details: ErrorDetail[] = [];
  const results = checks.map((check) => {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      details.push(...(error.details ?? [{ message: error.message }]));
      return undefined;
    }
  });
  if (details.length > 0) throw new ValidationError(details.map((detail) => detail.message).join('；'), details);
  return results as Results<T>;
}

async function audit(deps: UserAdminDeps, action: string, userId: number, details: Record<string, unknown>): Promise<void> {
  await recordAudit(deps.db, {
    service: deps.service,
    action,
    targetType: 'user',
    targetId: userId,
    details,
    userId: deps.actor?.userId ?? null,
    username: deps.actor?.username ?? null,
    ip: deps.actor?.ip ?? null,
  });
}

function requireSessionStore(deps: UserAdminDeps): SessionStore {
  if (!deps.sessionStore) throw new Error('this change ends sessions, so it needs a session store');
  return deps.sessionStore;
}

export async function addUser(
  deps: UserAdminDeps,
  input: { username: string; password: string; role: string; displayName?: string | null },
  fields: FieldNames = {},
): Promise<User> {
  const [username, , , displayName] = collectValidation([
    () => normaliseNewUsername(input.username, fields.username),
    () => assertPasswordPolicy(input.password, fields.password),
    () => assertRole(input.role, fields.role),
    () => normaliseDisplayName(input.displayName, fields.displayName),
  ] as const);
  const role = input.role as UserRole; // checked by assertRole above
  const user = await createUser(deps.db, { username, displayName, role, passwordHash: await hashPassword(input.password) });
  await audit(deps, 'user.create', user.id, { username: user.username, role: user.role });
  return user;
}

/** A new password ends every session: whoever knew the old one is signed out everywhere. */
export async function changePassword(deps: UserAdminDeps, userId: number, password: string, fields: FieldNames = {}): Promise<{ user: User; endedSessions: number }> {
  assertPasswordPolicy(password, fields.password);
  const sessionStore = requireSessionStore(deps);
  const user = await setUserPassword(deps.db, userId, await hashPassword(password));
  const endedSessions = await sessionStore.destroyAllForUser(userId);
  await audit(deps, 'user.password_change', userId, { endedSessions });
  return { user, endedSessions };
}

/** Sessions carry the role, so a role change ends them: a demotion takes effect at once, not at the next login. */
export async function changeRole(deps: UserAdminDeps, userId: number, role: string, fields: FieldNames = {}): Promise<{ user: User; endedSessions: number }> {
  assertRole(role, fields.role);
  const sessionStore = requireSessionStore(deps);
  const user = await setUserRole(deps.db, userId, role);
  const endedSessions = await sessionStore.destroyAllForUser(userId);
  await audit(deps, 'user.role_change', userId, { role, endedSessions });
  return { user, endedSessions };
}

/** Disabling ends every session of the account; enabling only lets it log in again. */
export async function changeActive(deps: UserAdminDeps, userId: number, isActive: boolean): Promise<{ user: User; endedSessions: number }> {
  const sessionStore = isActive ? undefined : requireSessionStore(deps);
  const user = await setUserActive(deps.db, userId, isActive);
  const endedSessions = sessionStore ? await sessionStore.destroyAllForUser(userId) : 0;
  await audit(deps, isActive ? 'user.enable' : 'user.disable', userId, { endedSessions });
  return { user, endedSessions };
}
