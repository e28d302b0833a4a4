import { ValidationError } from '@doitcrm/kit';

/** Lists run newest activity first; the cursor is the last row's (last seen, id), opaque to clients. */
export interface MappingCursor {
  lastSeen: string;
  id: number;
}

const NEVER = '-infinity';

export function encodeCursor(row: { lastSeenAt: Date | null; id: number }): string {
  return Buffer.from(JSON.stringify({ lastSeen: row.lastSeenAt?.toISOString() ?? NEVER, id: row.id })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): MappingCursor | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<MappingCursor>;
    if (typeof parsed.lastSeen === 'string' && Number.isInteger(parsed.id)) return { lastSeen: parsed.lastSeen, id: parsed.id! };
  } catch {
    // fall through to the error below
  }
  throw new ValidationError('cursor 无效，请从第一页重新加载', [{ field: 'cursor', message: 'not a cursor this API issued' }]);
}
