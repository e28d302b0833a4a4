import type { Request } from 'express';
import { auditFromRequest, recordAudit, type Queryable } from '@doitcrm/kit';

/**
 * Who viewed whose messages (these are minors' families' chats). Written before the answer is sent: a view that
 * cannot be recorded is not served.
 */
export async function auditView(
  db: Queryable, req: Request, action: string, target: { type: 'person' | 'room' | 'message' | 'cohort' | 'search' | 'summary'; id: string | null },
  details: Record<string, unknown> = {},
): Promise<void> {
  await recordAudit(db, auditFromRequest(req, { service: 'messages', action, targetType: target.type, targetId: target.id, details }));
}
