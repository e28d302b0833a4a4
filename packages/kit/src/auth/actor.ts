import type { UserRole } from '@doitcrm/types';
import type { Request } from 'express';
import type { AuditEntry } from './audit.ts';
import './express-augment.ts';

/**
 * Who asked for a piece of work and from where: what a use case in `domain/` receives instead of an Express
 * request, so domain code can be called the same way from a route, a queue consumer, a schedule or a CLI, and
 * every audit row it writes names the same person. Routes build it with actorFromRequest; work nobody asked
 * for directly (schedules, consumers) uses systemActor.
 */
export interface Actor {
  userId: number | null;
  username: string | null;
  role: UserRole | null;
  ip: string | null;
  userAgent: string | null;
}

/** The signed-in user of a request (req.user, set by requireUser) with the address and browser it came from. */
export function actorFromRequest(req: Request): Actor {
  return {
    userId: req.user?.id ?? null,
    username: req.user?.username ?? null,
    role: req.user?.role ?? null,
    ip: req.ip ?? null,
    userAgent: req.get('user-agent') ?? null,
  };
}

/** Work started by the suite itself or by an operator's command line: `name` says which, e.g. 'schedule:rollups'. */
export function systemActor(name: string): Actor {
  return { userId: null, username: name, role: null, ip: null, userAgent: null };
}

/** An audit row written on the actor's behalf: the actor's identity fields, the rest from the entry. */
export function auditAs(actor: Actor, entry: Omit<AuditEntry, 'userId' | 'username' | 'ip' | 'userAgent'>): AuditEntry {
  return { ...entry, userId: actor.userId, username: actor.username, ip: actor.ip, userAgent: actor.userAgent };
}
