import { ValidationError } from '@doitcrm/kit';

/** Every message list runs newest first by (msgtime, msgid); the cursor is the last row's pair, opaque to clients. */
export interface MessageCursor {
  msgtime: string;
  msgid: string;
}

export function encodeCursor(row: { msgtime: Date; msgid: string }): string {
  return Buffer.from(JSON.stringify({ t: row.msgtime.toISOString(), id: row.msgid })).toString('base64url');
}

/** The cursor of a position read as text from PostgreSQL (where a walk stopped), not of a row in hand. */
export function encodeCursorAt(position: MessageCursor): string {
  return encodeCursor({ msgtime: new Date(position.msgtime), msgid: position.msgid });
}

export function decodeCursor(cursor: string | undefined, field = 'cursor'): MessageCursor | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t?: unknown; id?: unknown };
    if (typeof parsed.t === 'string' && !Number.isNaN(Date.parse(parsed.t)) && typeof parsed.id === 'string') {
      return { msgtime: parsed.t, msgid: parsed.id };
    }
  } catch {
    // reported below
  }
  throw new ValidationError(`${field} 无效，请从第一页重新加载`, [{ field, message: 'not a cursor this API issued' }]);
}

/** Takes `limit` rows of a `limit + 1` query and tells whether there is a next page. */
export function toPage<R extends { msgtime: Date; msgid: string }, T>(rows: R[], limit: number, map: (row: R) => T): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(map), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
