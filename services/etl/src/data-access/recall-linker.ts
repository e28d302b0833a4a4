import type { Pool, PoolClient } from '@doitcrm/kit';

type Queryable = Pool | PoolClient;
import type { EncodedChunk } from '../domain/chunk-encoder.ts';

/**
 * Marks recalled messages, whichever of the message and its revoke arrives first. A revoke whose message is not
 * stored yet waits in chat.pending_recalls; each later chunk checks only its own msgids against that (usually
 * empty) table, so linking costs nothing on the common path.
 */
export async function linkRecalls(client: PoolClient, chunk: EncodedChunk): Promise<void> {
  if (chunk.recalls.length > 0) {
    // Every revoke is parked first and then linked if its message is there. The other order (link, then park the
    // ones whose message is missing) loses a recall when the message's chunk, written on another lane, commits
    // between the two statements: the link sees no row, the park sees one, and the revoke is in neither place.
    await client.query(
      `INSERT INTO chat.pending_recalls (target_msgid, revoke_msgid)
       SELECT r.target, r.revoke FROM unnest($1::text[], $2::text[]) AS r (revoke, target)
       ON CONFLICT (target_msgid) DO NOTHING`,
      [chunk.recalls.map((recall) => recall.revoke), chunk.recalls.map((recall) => recall.target)],
    );
    await linkArrivedRecalls(client, [...chunk.msgids, ...chunk.recalls.map((recall) => recall.target)]);
    return;
  }
  const { rows } = await client.query<{ waiting: boolean }>('SELECT EXISTS (SELECT 1 FROM chat.pending_recalls) AS waiting');
  if (!rows[0]!.waiting) return;
  await linkArrivedRecalls(client, chunk.msgids);
}

const LINK_ARRIVED = (where: string) => `WITH arrived AS (
    DELETE FROM chat.pending_recalls p WHERE ${where}
      AND EXISTS (SELECT 1 FROM chat.messages m WHERE m.msgid = p.target_msgid)
    RETURNING p.target_msgid, p.revoke_msgid)
  UPDATE chat.messages m SET recalled_by = arrived.revoke_msgid
  FROM arrived WHERE m.msgid = arrived.target_msgid AND m.recalled_by IS NULL`;

/**
 * Links the waiting revokes whose message is stored by now: those aimed at `msgids`, or every one when no msgids
 * are given. Two chunks written at once cannot see each other's rows, so a revoke in one whose message is in the
 * other waits in chat.pending_recalls until this runs after both have committed (and, after a crash in between,
 * at the start of the next import).
 */
export async function linkArrivedRecalls(client: Queryable, msgids?: string[]): Promise<void> {
  if (msgids) await client.query(LINK_ARRIVED('p.target_msgid = ANY($1::text[])'), [msgids]);
  else await client.query(LINK_ARRIVED('true'));
}

/** A revoke and the message it recalls in two chunks written at once: linked once both are committed. */
export async function linkAcrossChunks(client: Queryable, chunk: EncodedChunk, beside: EncodedChunk[]): Promise<void> {
  if (beside.length === 0 || (chunk.recalls.length === 0 && beside.every((other) => other.recalls.length === 0))) return;
  await linkArrivedRecalls(client, [...chunk.msgids, ...beside.flatMap((other) => other.msgids)]);
}
