import type { Request } from 'express';
import { auditRead, type Queryable } from '@doitcrm/kit';

/**
 * Who viewed whose messages (these are minors' families' chats). Written before the answer is sent: a view that
 * cannot be recorded is not served (auditRead answers 503 and nothing leaves).
 */
export async function auditView(
  db: Queryable, req: Request, action: string, target: { type: 'person' | 'room' | 'message' | 'cohort' | 'search' | 'summary'; id: string | null },
  details: Record<string, unknown> = {},
): Promise<void> {
  await auditRead(db, req, { service: 'messages', action, targetType: target.type, targetId: target.id, details });
}
