import type { PoolClient } from '@doitcrm/kit';
import type { EncodedChunk } from '../domain/chunk-encoder.ts';

/**
 * Marks recalled messages, whichever of the message and its revoke arrives first. A revoke whose message is not
 * stored yet waits in chat.pending_recalls; each later chunk checks only its own msgids against that (usually
 * empty) table, so linking costs nothing on the common path.
 */
export async function linkRecalls(client: PoolClient, chunk: EncodedChunk): Promise<void> {
  if (chunk.recalls.length > 0) {
    const revokes = chunk.recalls.map((recall) => recall.revoke);
    const targets = chunk.recalls.map((recall) => recall.target);
    await client.query(
      `UPDATE chat.messages m SET recalled_by = r.revoke
       FROM unnest($1::text[], $2::text[]) AS r (revoke, target)
       WHERE m.msgid = r.target AND m.recalled_by IS NULL`,
      [revokes, targets],
    );
    await client.query(
      `INSERT INTO chat.pending_recalls (target_msgid, revoke_msgid)
       SELECT r.target, r.revoke FROM unnest($1::text[], $2::text[]) AS r (revoke, target)
       WHERE NOT EXISTS (SELECT 1 FROM chat.messages m WHERE m.msgid = r.target)
       ON CONFLICT (target_msgid) DO NOTHING`,
      [revokes, targets],
    );
  }
  const { rows } = await client.query<{ waiting: boolean }>('SELECT EXISTS (SELECT 1 FROM chat.pending_recalls) AS waiting');
  if (!rows[0]!.waiting) return;
  await client.query(
    `WITH arrived AS (
       DELETE FROM chat.pending_recalls p WHERE p.target_msgid = ANY($1::text[])
         AND EXISTS (SELECT 1 FROM chat.messages m WHERE m.msgid = p.target_msgid)
       RETURNING p.target_msgid, p.revoke_msgid)
     UPDATE chat.messages m SET recalled_by = arrived.revoke_msgid
     FROM arrived WHERE m.msgid = arrived.target_msgid AND m.recalled_by IS NULL`,
    [chunk.msgids],
  );
}
