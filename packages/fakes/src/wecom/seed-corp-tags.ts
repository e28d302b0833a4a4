import { stableHash, stableInt } from './stable-random.ts';
import type { FakeCorpTagGroup, FakeExternalContact } from './wecom-fake-state.ts';

/** 2023-05-01 Beijing: the tag library was set up before the first parents were added. */
const LIBRARY_SECONDS = 1_682_870_400;

/** Group ids look like tag ids (`et…`) in WeCom; this one is derived from the group's name. */
export function corpTagGroupId(groupName: string): string {
  return `et${stableHash(`group/${groupName}`).toString(36).padStart(8, '0')}`;
}

/**
 * The corp tag library, built from the corp tags (type 1) the followers carry, so every tag id a follower holds is
 * in the library under the group its follower record names. Groups and tags keep the order they were first seen,
 * with `order` falling (WeCom lists larger orders first).
 */
export function seedCorpTagGroups(contacts: ReadonlyMap<string, FakeExternalContact>): Map<string, FakeCorpTagGroup> {
  const groups = new Map<string, FakeCorpTagGroup>();
  for (const contact of contacts.values()) {
    for (const follower of contact.follow_user) {
      for (const tag of follower.tags) {
        if (tag.type !== 1) continue;
        const groupId = corpTagGroupId(tag.group_name);
        let group = groups.get(groupId);
        if (!group) {
          group = {
            group_id: groupId, group_name: tag.group_name, create_time: LIBRARY_SECONDS + stableInt(groupId, 0, 3600),
            order: 1000 - groups.size, deleted: false, tag: [],
          };
          groups.set(groupId, group);
        }
        if (group.tag.some((t) => t.id === tag.tag_id)) continue;
        group.tag.push({ id: tag.tag_id, name: tag.tag_name, create_time: group.create_time + stableInt(tag.tag_id, 0, 3600), order: 1000 - group.tag.length, deleted: false });
      }
    }
  }
  return groups;
}
