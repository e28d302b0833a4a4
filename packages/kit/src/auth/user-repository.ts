import type { UserRole } from '@doitcrm/types';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Queryable } from '../db.ts';
import type { User, UserWithCredentials } from './types.ts';

interface UserRow {
  id: string;
  username: string;
  display_name: string | null;
  password_hash: string;
  role: UserRole;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
  last_login_at: Date | null;
}

const PUBLIC_COLUMNS = 'id, username, display_name, role, is_active, created_at, updated_at, last_login_at';
const UNIQUE_VIOLATION = '23505';

function toUser(row: Omit<UserRow, 'password_hash'>): User {
  return {
    // bigserial arrives as a string; ids stay far below 2^53
    id: Number(row.id),
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    isActive: row.is_active,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
  };
}

export interface NewUser {
  username: string;
  displayName?: string | null;
  passwordHash: string;
  role: UserRole;
}

/** Inserts a user; a username that differs only in case from an existing one is a ConflictError. */
export async function createUser(db: Queryable, user: NewUser): Promise<User> {
  try {
    const { rows } = await db.query<UserRow>(
      `INSERT INTO auth.users (username, display_name, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING ${PUBLIC_COLUMNS}`,
      [user.username, user.displayName ?? null, user.passwordHash, user.role],
    );
    return toUser(rows[0]!);
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
      const message = `用户名 ${user.username} 已存在`;
      throw new ConflictError(message, [{ field: 'username', message }]);
    }
    throw error;
  }
}

/** Case-insensitive, like the unique index; includes the password hash for the login path. */
export async function findUserByUsername(db: Queryable, username: string): Promise<UserWithCredentials | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${PUBLIC_COLUMNS}, password_hash FROM auth.users WHERE lower(username) = lower($1)`, [username]);
  const row = rows[0];
  return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
}

export async function findUserById(db: Queryable, id: number): Promise<User | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${PUBLIC_COLUMNS} FROM auth.users WHERE id = $1`, [id]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function listUsers(db: Queryable): Promise<User[]> {
  const { rows } = await db.query<UserRow>(`SELECT ${PUBLIC_COLUMNS} FROM auth.users ORDER BY lower(username)`);
  return rows.map(toUser);
}

async function updateUser(db: Queryable, id: number, assignment: string, value: unknown): Promise<User> {
  // `assignment` is one of the fixed strings below, never caller input
  const { rows } = await db.query<UserRow>(
    `UPDATE auth.users SET ${assignment}, updated_at = now() WHERE id = $1 RETURNING ${PUBLIC_COLUMNS}`,
    [id, value],
  );
  if (!rows[0]) throw new NotFoundError(`用户 ${id} 不存在`);
  return toUser(rows[0]);
}

export function setUserPassword(db: Queryable, id: number, passwordHash: string): Promise<User> {
  return updateUser(db, id, 'password_hash = $2', passwordHash);
}

export function setUserRole(db: Queryable, id: number, role: UserRole): Promise<User> {
  return updateUser(db, id, 'role = $2', role);
}

export function setUserActive(db: Queryable, id: number, isActive: boolean): Promise<User> {
  return updateUser(db, id, 'is_active = $2', isActive);
}

export async function touchUserLastLogin(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE auth.users SET last_login_at = now() WHERE id = $1', [id]);
}
