import type { Queryable } from '@doitcrm/kit';

/** Which of these msgids are already stored (one index probe each, in one round trip). */
export async function findExistingMsgids(db: Queryable, msgids: string[]): Promise<Set<string>> {
  if (msgids.length === 0) return new Set();
  const { rows } = await db.query<{ msgid: string }>('SELECT msgid FROM chat.messages WHERE msgid = ANY($1::text[])', [msgids]);
  return new Set(rows.map((row) => row.msgid));
}
