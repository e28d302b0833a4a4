import type { AuthUser } from './types.ts';

// requireUser sets req.user; declaring it here gives every service a typed req.user without casts.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      user?: AuthUser;
    }
  }
}

export {};
