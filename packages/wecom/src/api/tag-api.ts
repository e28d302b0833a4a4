import type { CorpTagGroup } from '../wecom-types.ts';
import { corpTagListWire } from '../wire-schemas.ts';
import { definedOnly, parseAnswer, type CallWecom } from './parse-answer.ts';

export interface CorpTagQuery {
  /** only these tags (each in its group); deleted ones come back flagged */
  tagIds?: readonly string[];
  /** only these groups with all their tags; WeCom ignores `tagIds` when this is given */
  groupIds?: readonly string[];
}

/** The corp tag library (企业客户标签), all of it without filters. */
export async function listCorpTags(call: CallWecom, query: CorpTagQuery = {}): Promise<CorpTagGroup[]> {
  const endpoint = 'externalcontact/get_corp_tag_list';
  const body: Record<string, unknown> = {};
  if (query.tagIds?.length) body.tag_id = [...query.tagIds];
  if (query.groupIds?.length) body.group_id = [...query.groupIds];
  const wire = parseAnswer(corpTagListWire, await call('main', { endpoint, method: 'POST', body }), endpoint);
  return wire.tag_group.map((g) => definedOnly({
    groupId: g.group_id,
    groupName: g.group_name,
    createTime: g.create_time,
    order: g.order,
    deleted: g.deleted,
    tags: g.tag.map((t) => definedOnly({ id: t.id, name: t.name, createTime: t.create_time, order: t.order, deleted: t.deleted })),
  }));
}
