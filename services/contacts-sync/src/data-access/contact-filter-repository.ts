import type { Queryable } from '@doitcrm/kit';
import type { ContactFilterOptions } from '../contract.ts';

/**
 * What the browser's filters offer: the members who follow customers and the tags the relations carry (named from
 * the corp's tag library where a change_external_tag event filled it; the id otherwise).
 */
export async function contactFilterOptions(db: Queryable): Promise<ContactFilterOptions> {
  const [staff, tags] = await Promise.all([
    db.query<{ user_id: string; name: string | null; customers: number }>(
      `SELECT r.userid AS user_id, s.name, count(*)::int AS customers
         FROM contacts.follow_relations r LEFT JOIN contacts.staff s ON s.userid = r.userid
        WHERE r.status = 'active' GROUP BY r.userid, s.name ORDER BY s.name NULLS LAST, r.userid`),
    db.query<{ tag_id: string; name: string | null; group_name: string | null }>(
      `SELECT t.tag_id, c.name, c.group_name
         FROM (SELECT DISTINCT unnest(tag_ids) AS tag_id FROM contacts.follow_relations) t
         LEFT JOIN contacts.corp_tags c ON c.tag_id = t.tag_id
        ORDER BY c.group_order NULLS LAST, c.tag_order NULLS LAST, t.tag_id`),
  ]);
  return {
    staff: staff.rows.map((row) => ({ userId: row.user_id, name: row.name ?? row.user_id, customers: row.customers })),
    tags: tags.rows.map((row) => ({ tagId: row.tag_id, name: row.name ?? row.tag_id, groupName: row.group_name })),
  };
}
