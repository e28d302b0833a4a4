import type { FakeCorpTag, FakeCorpTagGroup } from '../wecom-fake-state.ts';
import { newWecomId, requireText, seconds, StaffActionError, type StaffActionResult, type StaffContext } from './staff-context.ts';

/**
 * What an admin does to the corp tag library, and the `change_external_tag` event each raises
 * (https://developer.work.weixin.qq.com/document/path/92117 for the library; event fields Id, TagType, StrategyId).
 * A new group is one `tag_group` event; a tag added to an existing group is a `tag` event.
 */

export async function createTag(context: StaffContext, input: { groupId?: string; groupName?: string; name: string }): Promise<StaffActionResult<{ id: string; groupId: string }>> {
  const name = requireText(input.name, 'name');
  const createTime = seconds(context.now());
  const tag = (order: number): FakeCorpTag => ({ id: newWecomId('et'), name, create_time: createTime, order, deleted: false });
  if (input.groupId !== undefined) {
    const group = liveGroup(context, input.groupId);
    if (group.tag.some((t) => !t.deleted && t.name === name)) throw new StaffActionError(409, `tag ${name} exists in ${group.group_name}`);
    const created = tag(Math.max(0, ...group.tag.map((t) => t.order)) + 1);
    group.tag.push(created);
    const callback = await context.emit({ event: 'change_external_tag', changeType: 'create', fields: { Id: created.id, TagType: 'tag' } });
    return { result: { id: created.id, groupId: group.group_id }, callback };
  }
  const groupName = requireText(input.groupName, 'groupId or groupName');
  if ([...context.directory.corpTagGroups.values()].some((g) => !g.deleted && g.group_name === groupName)) {
    throw new StaffActionError(409, `tag group ${groupName} exists`);
  }
  const group: FakeCorpTagGroup = {
    group_id: newWecomId('et'), group_name: groupName, create_time: createTime,
    order: Math.max(0, ...[...context.directory.corpTagGroups.values()].map((g) => g.order)) + 1, deleted: false, tag: [tag(1)],
  };
  context.directory.corpTagGroups.set(group.group_id, group);
  const callback = await context.emit({ event: 'change_external_tag', changeType: 'create', fields: { Id: group.group_id, TagType: 'tag_group' } });
  return { result: { id: group.tag[0]!.id, groupId: group.group_id }, callback };
}

/** Renames a tag or a tag group; followers' tag objects carry the new name from then on. */
export async function renameTag(context: StaffContext, id: string, name: string): Promise<StaffActionResult<{ id: string; tagType: 'tag' | 'tag_group' }>> {
  const newName = requireText(name, 'name');
  const found = findTag(context, id);
  if (found.tag) found.tag.name = newName;
  else found.group.group_name = newName;
  for (const follower of followers(context)) {
    for (const t of follower.tags) {
      if (found.tag && t.tag_id === id) t.tag_name = newName;
      if (!found.tag && found.group.tag.some((g) => g.id === t.tag_id)) t.group_name = newName;
    }
  }
  const tagType = found.tag ? 'tag' : 'tag_group';
  const callback = await context.emit({ event: 'change_external_tag', changeType: 'update', fields: { Id: id, TagType: tagType } });
  return { result: { id, tagType }, callback };
}

/** Deletes a tag or a whole group: kept in the library flagged `deleted`, taken off every customer. */
export async function deleteTag(context: StaffContext, id: string): Promise<StaffActionResult<{ id: string; tagType: 'tag' | 'tag_group'; untagged: number }>> {
  const found = findTag(context, id);
  const gone = new Set(found.tag ? [found.tag.id] : found.group.tag.map((t) => t.id));
  if (found.tag) found.tag.deleted = true;
  else {
    found.group.deleted = true;
    for (const t of found.group.tag) t.deleted = true;
  }
  let untagged = 0;
  for (const follower of followers(context)) {
    const before = follower.tags.length;
    follower.tags = follower.tags.filter((t) => !gone.has(t.tag_id));
    if (follower.tags.length !== before) untagged += 1;
  }
  const tagType = found.tag ? 'tag' : 'tag_group';
  const callback = await context.emit({ event: 'change_external_tag', changeType: 'delete', fields: { Id: id, TagType: tagType } });
  return { result: { id, tagType, untagged }, callback };
}

function liveGroup(context: StaffContext, groupId: string): FakeCorpTagGroup {
  const group = context.directory.corpTagGroups.get(groupId);
  if (!group || group.deleted) throw new StaffActionError(404, `no tag group ${groupId}`);
  return group;
}

function findTag(context: StaffContext, id: string): { group: FakeCorpTagGroup; tag?: FakeCorpTag } {
  const group = context.directory.corpTagGroups.get(id);
  if (group && !group.deleted) return { group };
  for (const g of context.directory.corpTagGroups.values()) {
    const tag = g.tag.find((t) => t.id === id && !t.deleted);
    if (tag && !g.deleted) return { group: g, tag };
  }
  throw new StaffActionError(404, `no tag or tag group ${id}`);
}

function* followers(context: StaffContext) {
  for (const contact of context.directory.externalContacts.values()) yield* contact.follow_user;
}
