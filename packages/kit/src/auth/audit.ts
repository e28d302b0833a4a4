import type { Request } from 'express';
import { UnavailableError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Queryable } from '../db.ts';

/** One row of auth.audit_log: who did what to which record, from where. */
export interface AuditEntry {
  /** the service writing the row, e.g. 'messages' */
  service: string;
  /** dotted verb, e.g. 'auth.login', 'roster.student.update', 'messages.conversation.view' */
  action: string;
  targetType?: string | null;
  targetId?: string | number | null;
  details?: Record<string, unknown>;
  userId?: number | null;
  username?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

// User-Agent and usernames tried at login are attacker-chosen; bound what they can put into the table.
const MAX_TEXT = 512;

function bounded(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  return value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value;
}

/**
 * Inserts one audit row and throws when it cannot: a write whose audit row is lost must fail too, so pass the
 * transaction's client to make both commit or neither. For reads of people's data, see auditRead.
 */
export async function recordAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO auth.audit_log (service, action, target_type, target_id, details, user_id, username, ip, user_agent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      entry.service,
      entry.action,
      entry.targetType ?? null,
      entry.targetId === undefined || entry.targetId === null ? null : String(entry.targetId),
      JSON.stringify(entry.details ?? {}),
      entry.userId ?? null,
      bounded(entry.username),
      bounded(entry.ip),
      bounded(entry.userAgent),
    ],
  );
}

/**
 * For the few requests that must work even when the audit table does not (logging out): logs the failure (with
 * the entry, so the row can be reconstructed from the logs) and returns false instead of throwing. Never for a
 * read that shows people's data: that is auditRead, which fails closed.
 */
export async function recordAuditOrLog(db: Queryable, logger: Logger, entry: AuditEntry): Promise<boolean> {
  try {
    await recordAudit(db, entry);
    return true;
  } catch (error) {
    logger.error({ err: error, audit: entry }, 'audit row could not be written');
    return false;
  }
}

export type RequestAuditEntry = Omit<AuditEntry, 'userId' | 'username' | 'ip' | 'userAgent'> &
  Partial<Pick<AuditEntry, 'userId' | 'username' | 'ip' | 'userAgent'>>;

/** Fills user, IP and user agent from the request (req.user is set by requireUser); explicit fields win. */
export function auditFromRequest(req: Request, entry: RequestAuditEntry): AuditEntry {
  return {
    ...entry,
    userId: entry.userId !== undefined ? entry.userId : (req.user?.id ?? null),
    username: entry.username !== undefined ? entry.username : (req.user?.username ?? null),
    ip: entry.ip !== undefined ? entry.ip : (req.ip ?? null),
    userAgent: entry.userAgent !== undefined ? entry.userAgent : (req.get('user-agent') ?? null),
  };
}

/** What a reader is told when the record of their read cannot be written: nothing personal was sent. */
export const AUDIT_UNAVAILABLE_MESSAGE = '访问记录暂时无法写入，为保护个人信息本次未返回数据，请稍后重试 (audit log unavailable)';

/**
 * Records who read a person's messages, phone, address or a bulk export of them, and must be awaited BEFORE the
 * answer is written: when the row cannot be inserted the read fails closed (503, nothing personal sent), because
 * an unrecorded read of families' data is exactly what the audit log exists to rule out. One call per read; name
 * the person(s) read in targetId or details so the row says whose data it was.
 */
export async function auditRead(db: Queryable, req: Request, entry: RequestAuditEntry): Promise<void> {
  try {
    await recordAudit(db, auditFromRequest(req, entry));
  } catch (error) {
    throw new UnavailableError(AUDIT_UNAVAILABLE_MESSAGE, error);
  }
}

/**
 * auditRead for a read made of several queries, without adding the audit row's commit (a WAL flush, the slowest step
 * of a short read) after all of them: the row is inserted as soon as `entry` is known, while the rest of `read` still
 * runs. Both are awaited before anything is answered, and a row that cannot be written still refuses the read (503).
 * `entry` may wait on the part of the read that names what is shown; null records nothing (nothing was shown).
 */
export async function auditReadAlongside<T>(
  db: Queryable, req: Request, entry: RequestAuditEntry | null | Promise<RequestAuditEntry | null>, read: Promise<T>,
): Promise<T> {
  const audited = Promise.resolve(entry).then((known) => (known ? auditRead(db, req, known) : undefined));
  // both settle before either outcome is used, so neither rejection is left unhandled
  const [audit, result] = await Promise.allSettled([audited, read]);
  if (audit.status === 'rejected') throw audit.reason;
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}
