import { toIso, type Queryable } from '@doitcrm/kit';
import type { ContactDetail, ContactFilter, ContactListItem, Follow } from '../contract.ts';

interface FollowRow {
  external_userid: string; userid: string; staff_name: string | null; remark: string; description: string; remark_corp_name: string;
  remark_mobiles_masked: string[]; tag_ids: string[]; add_way: number | null; createtime: Date | null; state: string; status: Follow['status'];
  lost_at: Date | null;
}

interface ContactRow {
  external_userid: string; name: string; avatar: string | null; type: number | null; gender: number | null; corp_name: string | null;
  status: ContactListItem['status']; contact_kind: ContactListItem['contactKind']; first_seen_at: Date; updated_at: Date; deleted_at: Date | null;
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Customers by filter, in external_userid order after `after` (keyset paging: stable while a sync writes). `q`
 * matches the name or any member's remark; `lost` lists customers with at least one lost relation.
 */
export async function listContacts(db: Queryable, filter: ContactFilter): Promise<{ items: ContactListItem[]; next: string | null }> {
  const values: unknown[] = [filter.after ?? '', filter.limit + 1];
  const where: string[] = ['c.external_userid > $1'];
  const add = (value: unknown) => `$${values.push(value)}`;
  if (filter.q) {
    const p = add(likePattern(filter.q));
    where.push(`(c.name ILIKE ${p} OR EXISTS (SELECT 1 FROM contacts.follow_relations r WHERE r.external_userid = c.external_userid AND r.remark ILIKE ${p}))`);
  }
  if (filter.tag) where.push(`EXISTS (SELECT 1 FROM contacts.follow_relations r WHERE r.external_userid = c.external_userid AND r.tag_ids @> ARRAY[${add(filter.tag)}]::text[])`);
  if (filter.staff) where.push(`EXISTS (SELECT 1 FROM contacts.follow_relations r WHERE r.external_userid = c.external_userid AND r.userid = ${add(filter.staff)})`);
  if (filter.status === 'lost') where.push("EXISTS (SELECT 1 FROM contacts.follow_relations r WHERE r.external_userid = c.external_userid AND r.status = 'lost')");
  else if (filter.status) where.push(`c.status = ${add(filter.status)}`);
  const { rows } = await db.query<ContactRow>(
    `SELECT c.external_userid, c.name, c.avatar, c.type, c.gender, c.corp_name, c.status, c.contact_kind, c.first_seen_at, c.updated_at, c.deleted_at
     FROM contacts.external_contacts c WHERE ${where.join(' AND ')} ORDER BY c.external_userid LIMIT $2`,
    values,
  );
  const page = rows.slice(0, filter.limit);
  const follows = await followsOf(db, page.map((row) => row.external_userid));
  return {
    items: page.map((row) => ({ ...contactOf(row), follows: follows.get(row.external_userid) ?? [] })),
    next: rows.length > filter.limit ? page.at(-1)!.external_userid : null,
  };
}

export async function readContact(db: Queryable, externalUserId: string): Promise<ContactDetail | null> {
  const { rows } = await db.query<ContactRow>(
    `SELECT external_userid, name, avatar, type, gender, corp_name, status, contact_kind, first_seen_at, updated_at, deleted_at
     FROM contacts.external_contacts WHERE external_userid = $1`, [externalUserId]);
  if (!rows[0]) return null;
  const { rows: groups } = await db.query<{ chat_id: string; name: string; status: 'active' | 'lost'; join_time: Date | null }>(
    `SELECT g.chat_id, g.name, g.status, m.join_time FROM contacts.group_members m JOIN contacts.customer_groups g USING (chat_id)
     WHERE m.member_id = $1 ORDER BY g.name, g.chat_id`, [externalUserId]);
  return {
    ...contactOf(rows[0]),
    follows: (await followsOf(db, [externalUserId])).get(externalUserId) ?? [],
    groups: groups.map((g) => ({ chatId: g.chat_id, name: g.name, status: g.status, joinTime: toIso(g.join_time) })),
  };
}

function contactOf(row: ContactRow): Omit<ContactListItem, 'follows'> {
  return {
    externalUserId: row.external_userid, name: row.name, avatar: row.avatar, type: row.type, gender: row.gender, corpName: row.corp_name,
    status: row.status, contactKind: row.contact_kind, firstSeenAt: row.first_seen_at.toISOString(), updatedAt: row.updated_at.toISOString(),
    deletedAt: toIso(row.deleted_at),
  };
}

async function followsOf(db: Queryable, ids: readonly string[]): Promise<Map<string, Follow[]>> {
  const result = new Map<string, Follow[]>();
  if (ids.length === 0) return result;
  const { rows } = await db.query<FollowRow>(
    `SELECT r.external_userid, r.userid, s.name AS staff_name, r.remark, r.description, r.remark_corp_name, r.remark_mobiles_masked, r.tag_ids,
       r.add_way, r.createtime, r.state, r.status, r.lost_at
     FROM contacts.follow_relations r LEFT JOIN contacts.staff s USING (userid)
     WHERE r.external_userid = ANY($1::text[]) ORDER BY r.external_userid, r.createtime NULLS LAST, r.userid`,
    [ids],
  );
  for (const row of rows) {
    const list = result.get(row.external_userid) ?? [];
    list.push({
      userId: row.userid, staffName: row.staff_name, remark: row.remark, description: row.description, remarkCorpName: row.remark_corp_name,
      remarkMobiles: row.remark_mobiles_masked, tagIds: row.tag_ids, addWay: row.add_way, createTime: toIso(row.createtime), state: row.state,
      status: row.status, lostAt: toIso(row.lost_at),
    });
    result.set(row.external_userid, list);
  }
  return result;
}
