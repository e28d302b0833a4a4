import type { UserRole } from '@doitcrm/types';

/** The signed-in user as every request handler sees it (`req.user`). */
export interface AuthUser {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
}

/** A row of auth.users without its password hash: safe to return from APIs. */
export interface User {
  id: number;
  username: string;
  displayName: string | null;
  role: UserRole;
  isActive: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
}

/** Only the login path needs the hash; keeping it in its own type keeps it out of responses. */
export interface UserWithCredentials extends User {
  passwordHash: string;
}
