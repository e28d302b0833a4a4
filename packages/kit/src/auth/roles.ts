import { USER_ROLES, type UserRole } from '@doitcrm/types';

/** admin > staff > viewer: a role admits everything a lower role may do. */
const ROLE_RANK: Record<UserRole, number> = { viewer: 1, staff: 2, admin: 3 };

export function isUserRole(value: unknown): value is UserRole {
  return typeof value === 'string' && (USER_ROLES as readonly string[]).includes(value);
}

/** True when `role` is at least as powerful as the weakest of `allowed`. */
export function roleSatisfies(role: UserRole, allowed: readonly UserRole[]): boolean {
  const minimum = Math.min(...allowed.map((candidate) => ROLE_RANK[candidate]));
  return ROLE_RANK[role] >= minimum;
}
