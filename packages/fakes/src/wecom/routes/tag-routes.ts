import { fakeEndpoint, stringArray } from '../fake-endpoint.ts';
import type { FakeCorpTag, FakeCorpTagGroup } from '../wecom-fake-state.ts';

const byOrder = <T extends { order: number }>(items: readonly T[]): T[] => [...items].sort((a, b) => b.order - a.order);

const tagOut = (t: FakeCorpTag, withDeleted: boolean) => ({
  id: t.id, name: t.name, create_time: t.create_time, order: t.order, ...(withDeleted ? { deleted: t.deleted } : {}),
});

function groupOut(g: FakeCorpTagGroup, tags: readonly FakeCorpTag[], withDeleted: boolean) {
  return {
    group_id: g.group_id, group_name: g.group_name, create_time: g.create_time, order: g.order,
    ...(withDeleted ? { deleted: g.deleted } : {}),
    tag: byOrder(tags).map((t) => tagOut(t, withDeleted)),
  };
}

/**
 * The corp tag library (https://developer.work.weixin.qq.com/document/path/92117). Without filters: every live group
 * and tag. With `group_id` (which wins over `tag_id`, as documented) or `tag_id`: the asked ones, deleted ones
 * included and flagged `deleted`. WeCom documents POST; a GET (no body) lists everything.
 */
export const corpTagList = fakeEndpoint('GET externalcontact/get_corp_tag_list', 'contact', (input) =>
  [...(Array.isArray(input.body.group_id) ? input.body.group_id : []), ...(Array.isArray(input.body.tag_id) ? input.body.tag_id : [])]
    .filter((id): id is string => typeof id === 'string'),
({ body, directory }) => {
  const groupIds = stringArray(body.group_id, 'group_id');
  const tagIds = stringArray(body.tag_id, 'tag_id');
  const groups = byOrder([...directory.corpTagGroups.values()]);
  if (groupIds.length > 0) {
    const wanted = new Set(groupIds);
    return { tag_group: groups.filter((g) => wanted.has(g.group_id)).map((g) => groupOut(g, g.tag, true)) };
  }
  if (tagIds.length > 0) {
    const wanted = new Set(tagIds);
    return {
      tag_group: groups.map((g) => ({ g, tags: g.tag.filter((t) => wanted.has(t.id)) }))
        .filter(({ tags }) => tags.length > 0)
        .map(({ g, tags }) => groupOut(g, tags, true)),
    };
  }
  return { tag_group: groups.filter((g) => !g.deleted).map((g) => groupOut(g, g.tag.filter((t) => !t.deleted), false)) };
});
