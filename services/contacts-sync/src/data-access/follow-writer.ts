import type { Queryable } from '@doitcrm/kit';
import type { ContactRecord, RelationRecord } from '../domain/records.ts';
import { changeOf } from './change-log.ts';
import type { WriteResult } from './staff-writer.ts';

const CONTACT_COLUMNS = 'external_userid text, name text, avatar text, type smallint, gender smallint, corp_name text, unionid text, content_hash text';

/**
 * Upserts the customers of a batch whose hash changed, and those coming back (deleted, or known only from a group
 * until now). One statement for the whole batch.
 */
export async function writeContacts(db: Queryable, pass: number, records: readonly ContactRecord[]): Promise<WriteResult> {
  if (records.length === 0) return { written: 0, changes: [], renamed: [] };
  const { rows } = await db.query<{ external_userid: string; name: string; inserted: boolean; old_name: string | null; was_active: boolean | null }>(
    `WITH incoming AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (${CONTACT_COLUMNS})),
     old AS (
       SELECT c.external_userid, c.name, c.status = 'normal' AS active FROM contacts.external_contacts c JOIN incoming USING (external_userid)
     ), written AS (
       INSERT INTO contacts.external_contacts AS c (external_userid, name, avatar, type, gender, corp_name, unionid, content_hash, first_seen_pass, changed_pass)
       SELECT external_userid, name, avatar, type, gender, corp_name, unionid, content_hash, $2, $2 FROM incoming
       ON CONFLICT (external_userid) DO UPDATE SET name = excluded.name, avatar = excluded.avatar, type = excluded.type, gender = excluded.gender,
         corp_name = excluded.corp_name, unionid = excluded.unionid, content_hash = excluded.content_hash,
         status = 'normal', contact_kind = 'full', deleted_at = NULL, changed_pass = $2, updated_at = now()
       WHERE c.content_hash IS DISTINCT FROM excluded.content_hash OR c.status <> 'normal' OR c.contact_kind <> 'full'
       RETURNING c.external_userid, c.name, (c.xmax = 0) AS inserted
     )
     SELECT w.*, o.name AS old_name, o.active AS was_active FROM written w LEFT JOIN old o USING (external_userid)`,
    [JSON.stringify(records), pass],
  );
  return {
    written: rows.length,
    changes: rows.map((row) => ({ entity: 'contact', key: row.external_userid, change: changeOf(row.inserted, row.was_active) })),
    renamed: rows.filter((row) => row.name !== '' && row.name !== row.old_name).map((row) => ({ id: row.external_userid, name: row.name })),
  };
}

/** Customers seen only as customer-group members: added as half contacts when unknown, never overwriting a known one. */
export async function addHalfContacts(db: Queryable, pass: number, records: readonly ContactRecord[]): Promise<WriteResult> {
  if (records.length === 0) return { written: 0, changes: [], renamed: [] };
  const { rows } = await db.query<{ external_userid: string; name: string }>(
    `INSERT INTO contacts.external_contacts (external_userid, name, avatar, type, gender, corp_name, unionid, content_hash, contact_kind, first_seen_pass, changed_pass)
     SELECT external_userid, name, avatar, type, gender, corp_name, unionid, content_hash, 'half', $2, $2
     FROM jsonb_to_recordset($1::jsonb) AS x (${CONTACT_COLUMNS})
     ON CONFLICT (external_userid) DO NOTHING
     RETURNING external_userid, name`,
    [JSON.stringify(records), pass],
  );
  return {
    written: rows.length,
    changes: rows.map((row) => ({ entity: 'contact', key: row.external_userid, change: 'added' })),
    renamed: rows.filter((row) => row.name !== '').map((row) => ({ id: row.external_userid, name: row.name })),
  };
}

/** Upserts the follow relations of a batch whose hash changed, and the ones coming back from lost or deleted. */
export async function writeRelations(db: Queryable, pass: number, records: readonly RelationRecord[]): Promise<WriteResult> {
  if (records.length === 0) return { written: 0, changes: [], renamed: [] };
  const { rows } = await db.query<{ id: string; inserted: boolean; was_active: boolean | null }>(
    `WITH incoming AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (external_userid text, userid text, remark text, description text, remark_corp_name text,
         remark_mobiles_masked text[], tag_ids text[], add_way int, createtime timestamptz, state text, oper_userid text, content_hash text)
     ), old AS (
       SELECT r.external_userid, r.userid, r.status = 'active' AS active FROM contacts.follow_relations r JOIN incoming USING (external_userid, userid)
     ), written AS (
       INSERT INTO contacts.follow_relations AS r (external_userid, userid, remark, description, remark_corp_name, remark_mobiles_masked, tag_ids,
         add_way, createtime, state, oper_userid, content_hash, first_seen_pass, changed_pass)
       SELECT external_userid, userid, remark, description, remark_corp_name, remark_mobiles_masked, tag_ids, add_way, createtime, state, oper_userid,
         content_hash, $2, $2 FROM incoming
       ON CONFLICT (external_userid, userid) DO UPDATE SET remark = excluded.remark, description = excluded.description,
         remark_corp_name = excluded.remark_corp_name, remark_mobiles_masked = excluded.remark_mobiles_masked, tag_ids = excluded.tag_ids,
         add_way = excluded.add_way, createtime = excluded.createtime, state = excluded.state, oper_userid = excluded.oper_userid,
         content_hash = excluded.content_hash, status = 'active', lost_at = NULL, changed_pass = $2, updated_at = now()
       WHERE r.content_hash IS DISTINCT FROM excluded.content_hash OR r.status <> 'active'
       RETURNING r.id, r.external_userid, r.userid, (r.xmax = 0) AS inserted
     )
     SELECT w.id, w.inserted, o.active AS was_active FROM written w LEFT JOIN old o USING (external_userid, userid)`,
    [JSON.stringify(records), pass],
  );
  return { written: rows.length, changes: rows.map((row) => ({ entity: 'relation', key: row.id, change: changeOf(row.inserted, row.was_active) })), renamed: [] };
}

/**
 * The active relations of these members that WeCom's answer did not contain: parked as lost candidates of the pass,
 * marked lost only when the whole pass completes.
 */
export async function parkMissingRelations(db: Queryable, pass: number, userIds: readonly string[], seen: readonly RelationRecord[]): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO contacts.lost_candidates (pass, kind, key)
     SELECT $1, 'relation', r.id::text FROM contacts.follow_relations r
     WHERE r.userid = ANY($2::text[]) AND r.status = 'active'
       AND NOT EXISTS (SELECT 1 FROM unnest($3::text[], $4::text[]) AS s (external_userid, userid)
                       WHERE s.external_userid = r.external_userid AND s.userid = r.userid)
     ON CONFLICT DO NOTHING`,
    [pass, userIds, seen.map((r) => r.external_userid), seen.map((r) => r.userid)],
  );
  return rowCount ?? 0;
}

/**
 * Active relations of members the pass's member list no longer names (left, or customer contact turned off for
 * them): no batch asks about them, so the pass parks them here, once, before it completes.
 */
export async function parkRelationsOfUnlistedMembers(db: Queryable, pass: number, members: readonly string[]): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO contacts.lost_candidates (pass, kind, key)
     SELECT $1, 'relation', r.id::text FROM contacts.follow_relations r
     WHERE r.status = 'active' AND NOT (r.userid = ANY($2::text[]))
     ON CONFLICT DO NOTHING`,
    [pass, members],
  );
  return rowCount ?? 0;
}
