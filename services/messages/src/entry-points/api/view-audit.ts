import type { Request } from 'express';
import { auditRead, type Queryable, type RequestAuditEntry } from '@doitcrm/kit';

/**
 * Who viewed whose messages (these are minors' families' chats). Written before the answer is sent: a view that
 * cannot be recorded is not served (auditRead answers 503 and nothing leaves).
 */
export async function auditView(db: Queryable, req: Request, action: string, target: ViewTarget, details: Record<string, unknown> = {}): Promise<void> {
  await auditRead(db, req, viewEntry(action, target, details));
}

type ViewTarget = { type: 'person' | 'room' | 'message' | 'cohort' | 'search' | 'summary'; id: string | null };

/** The audit entry of a view, for auditReadAlongside. */
export function viewEntry(action: string, target: ViewTarget, details: Record<string, unknown> = {}): RequestAuditEntry {
  return { service: 'messages', action, targetType: target.type, targetId: target.id, details };
}
