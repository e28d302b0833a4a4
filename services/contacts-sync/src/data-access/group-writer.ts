import type { Queryable } from '@doitcrm/kit';
import type { GroupRecord } from '../domain/records.ts';
import { changeOf } from './change-log.ts';
import type { WriteResult } from './staff-writer.ts';

/** The groups the database holds: their WeCom status and whether they are active, for the incremental pass. */
export async function knownGroups(db: Queryable): Promise<Map<string, { wecomStatus: number; active: boolean }>> {
  const { rows } = await db.query<{ chat_id: string; wecom_status: number; status: string }>('SELECT chat_id, wecom_status, status FROM contacts.customer_groups');
  return new Map(rows.map((row) => [row.chat_id, { wecomStatus: row.wecom_status, active: row.status === 'active' }]));
}

/**
 * Upserts the groups whose hash changed (or that come back), and replaces the member rows of exactly those groups:
 * three statements for any number of groups.
 */
export async function writeGroups(db: Queryable, pass: number, records: readonly GroupRecord[]): Promise<WriteResult & { members: number }> {
  if (records.length === 0) return { written: 0, changes: [], renamed: [], members: 0 };
  const groups = records.map(({ members: _members, ...group }) => group);
  const { rows } = await db.query<{ chat_id: string; name: string; inserted: boolean; old_name: string | null; was_active: boolean | null }>(
    `WITH incoming AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (chat_id text, name text, owner text, create_time timestamptz, notice text,
         wecom_status smallint, member_count int, content_hash text)
     ), old AS (
       SELECT g.chat_id, g.name, g.status = 'active' AS active FROM contacts.customer_groups g JOIN incoming USING (chat_id)
     ), written AS (
       INSERT INTO contacts.customer_groups AS g (chat_id, name, owner, create_time, notice, wecom_status, member_count, content_hash, first_seen_pass, changed_pass)
       SELECT chat_id, name, owner, create_time, notice, wecom_status, member_count, content_hash, $2, $2 FROM incoming
       ON CONFLICT (chat_id) DO UPDATE SET name = excluded.name, owner = excluded.owner, create_time = excluded.create_time, notice = excluded.notice,
         wecom_status = excluded.wecom_status, member_count = excluded.member_count, content_hash = excluded.content_hash,
         status = 'active', lost_at = NULL, changed_pass = $2, updated_at = now()
       WHERE g.content_hash IS DISTINCT FROM excluded.content_hash OR g.status <> 'active'
       RETURNING g.chat_id, g.name, (g.xmax = 0) AS inserted
     )
     SELECT w.*, o.name AS old_name, o.active AS was_active FROM written w LEFT JOIN old o USING (chat_id)`,
    [JSON.stringify(groups), pass],
  );
  const changed = new Set(rows.map((row) => row.chat_id));
  const members = records.filter((r) => changed.has(r.chat_id)).flatMap((r) => r.members.map((m) => ({ chat_id: r.chat_id, ...m })));
  if (changed.size > 0) {
    await db.query('DELETE FROM contacts.group_members WHERE chat_id = ANY($1::text[])', [[...changed]]);
    await db.query(
      `INSERT INTO contacts.group_members (chat_id, member_id, type, join_time, join_scene, invitor, group_nickname, name)
       SELECT chat_id, member_id, type, join_time, join_scene, invitor, group_nickname, name
       FROM jsonb_to_recordset($1::jsonb) AS x (chat_id text, member_id text, type smallint, join_time timestamptz, join_scene smallint,
         invitor text, group_nickname text, name text)`,
      [JSON.stringify(members)],
    );
  }
  return {
    written: rows.length,
    members: members.length,
    changes: rows.map((row) => ({ entity: 'group', key: row.chat_id, change: changeOf(row.inserted, row.was_active) })),
    renamed: rows.filter((row) => row.name !== '' && row.name !== row.old_name).map((row) => ({ id: row.chat_id, name: row.name, room: true })),
  };
}

/** Active groups groupchat/list no longer lists (dismissed, or out of scope): lost once the pass completes. */
export async function parkMissingGroups(db: Queryable, pass: number, listed: readonly string[]): Promise<void> {
  await db.query(
    `INSERT INTO contacts.lost_candidates (pass, kind, key)
     SELECT $1, 'group', chat_id FROM contacts.customer_groups WHERE status = 'active' AND NOT (chat_id = ANY($2::text[]))
     ON CONFLICT DO NOTHING`,
    [pass, listed],
  );
}

/** A group a callback says was dismissed (or groupchat/get now refuses): lost, as a completed pass would mark it. */
export async function markGroupLost(db: Queryable, pass: number, chatId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE contacts.customer_groups SET status = 'lost', lost_at = now(), changed_pass = $1, updated_at = now() WHERE chat_id = $2 AND status = 'active'",
    [pass, chatId],
  );
  return (rowCount ?? 0) > 0;
}

/** The WeCom status a group was last listed with (groupchat/get does not say it); 0 (normal) for a new group. */
export async function groupWecomStatus(db: Queryable, chatId: string): Promise<number> {
  const { rows } = await db.query<{ wecom_status: number }>('SELECT wecom_status FROM contacts.customer_groups WHERE chat_id = $1', [chatId]);
  return rows[0]?.wecom_status ?? 0;
}
