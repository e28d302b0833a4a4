import { z } from 'zod';
import { USER_ROLES } from '@doitcrm/types';
import type { ApiRoute } from '../http/api-docs.ts';
import { MAX_PASSWORD_LENGTH, MAX_USERNAME_LENGTH } from './credential-policy.ts';

const authUserSchema = z.object({
  id: z.number().int(), username: z.string(), displayName: z.string(), role: z.enum(USER_ROLES),
}).meta({ id: 'AuthUser' });

/**
 * The login body as documented. parseLoginBody checks it by hand rather than with this schema, to answer with one
 * Chinese sentence per missing field; the limits are the same constants.
 */
const loginBody = z.object({
  username: z.string().min(1).max(MAX_USERNAME_LENGTH),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

/** The login routes every service mounts at /api/auth (auth-routes.ts); createServiceApp documents them. */
export const authApi: readonly ApiRoute[] = [
  {
    method: 'post', path: '/auth/login', public: true, summary: 'Sign in; sets the session cookie shared by all services on this host',
    body: loginBody,
    responses: {
      200: { description: 'signed in', schema: z.object({ user: authUserSchema }) },
      401: { description: 'wrong name or password' },
      429: { description: 'too many attempts; Retry-After says when to try again' },
    },
  },
  { method: 'post', path: '/auth/logout', public: true, summary: 'Sign out (always succeeds)', responses: { 204: { description: 'signed out' } } },
  { method: 'get', path: '/auth/me', summary: 'Who is signed in', responses: { 200: { description: 'the user', schema: z.object({ user: authUserSchema }) } } },
];
