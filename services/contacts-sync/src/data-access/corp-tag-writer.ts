import type { Queryable } from '@doitcrm/kit';
import type { CorpTagGroup } from '@doitcrm/wecom';

/**
 * Replaces the tag library with what get_corp_tag_list answers now (a change_external_tag event names one tag or
 * group; refetching the whole library is one call and also catches changes whose callback was lost). Tags WeCom no
 * longer lists (or lists as deleted) are removed: the relations keep their tag ids, the page then shows them unnamed.
 */
export async function replaceCorpTags(db: Queryable, groups: readonly CorpTagGroup[]): Promise<{ tags: number; written: number; removed: number }> {
  const tags = groups.filter((g) => !g.deleted).flatMap((g) => g.tags.filter((t) => !t.deleted).map((t) => ({
    tag_id: t.id, name: t.name, group_id: g.groupId, group_name: g.groupName, tag_order: t.order, group_order: g.order,
  })));
  const { rowCount: removed } = await db.query('DELETE FROM contacts.corp_tags WHERE NOT (tag_id = ANY($1::text[]))', [tags.map((t) => t.tag_id)]);
  const { rowCount: written } = await db.query(
    `INSERT INTO contacts.corp_tags (tag_id, name, group_id, group_name, tag_order, group_order)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (tag_id text, name text, group_id text, group_name text, tag_order bigint, group_order bigint)
     ON CONFLICT (tag_id) DO UPDATE SET name = excluded.name, group_id = excluded.group_id, group_name = excluded.group_name,
       tag_order = excluded.tag_order, group_order = excluded.group_order, refreshed_at = now()
     -- every pass refetches the library: a tag that did not change keeps its row (and refreshed_at says when it last changed)
     WHERE (contacts.corp_tags.name, contacts.corp_tags.group_id, contacts.corp_tags.group_name, contacts.corp_tags.tag_order, contacts.corp_tags.group_order)
       IS DISTINCT FROM (excluded.name, excluded.group_id, excluded.group_name, excluded.tag_order, excluded.group_order)`,
    [JSON.stringify(tags)],
  );
  return { tags: tags.length, written: written ?? 0, removed: removed ?? 0 };
}
