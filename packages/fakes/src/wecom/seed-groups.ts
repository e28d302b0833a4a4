import { groupMembers, type DemoSchool } from '@doitcrm/demo-data';
import { stableInt } from './stable-random.ts';
import type { FakeCustomerGroup, FakeGroupMember, FakeInternalGroup } from './wecom-fake-state.ts';

/** 2024-03-01 Beijing: class groups were created over the following months. */
const FIRST_GROUP_SECONDS = 1_709_222_400;
const GROUP_SPAN_SECONDS = 400 * 24 * 3600;

const isExternal = (id: string): boolean => /^w[mob]/.test(id);

/**
 * Customer groups (`wr…`): every class group, owned by its head teacher with the teacher as admin, plus the
 * school's other customer groups, owned by the advisor listed first. Members as `groupMembers` lists them.
 */
export function seedCustomerGroups(school: DemoSchool): Map<string, FakeCustomerGroup> {
  const members = groupMembers(school);
  const groups = new Map<string, FakeCustomerGroup>();
  for (const c of school.classes) {
    groups.set(c.roomId, customerGroup(c.roomId, c.name, c.headTeacherUserId, [c.teacherUserId], members.get(c.roomId) ?? [],
      `${c.name}上课时间：${c.startTime}–${c.endTime.replace(/^周./, '')}，请家长准时送孩子到校。`));
  }
  for (const g of school.otherGroups) {
    if (g.kind !== 'customer_group') continue;
    const owner = g.memberIds.find((id) => !isExternal(id)) ?? '';
    groups.set(g.roomId, customerGroup(g.roomId, g.name, owner, [], members.get(g.roomId) ?? [], ''));
  }
  return groups;
}

function customerGroup(chatId: string, name: string, owner: string, admins: string[], memberIds: string[], notice: string): FakeCustomerGroup {
  const createTime = FIRST_GROUP_SECONDS + stableInt(chatId, 0, GROUP_SPAN_SECONDS);
  const ordered = [owner, ...memberIds.filter((id) => id !== owner)].filter((id) => id !== '');
  return {
    chat_id: chatId,
    name,
    owner,
    create_time: createTime,
    notice,
    member_list: ordered.map((userid): FakeGroupMember => {
      const joinTime = userid === owner ? createTime : createTime + stableInt(`${chatId}/${userid}`, 60, 120 * 24 * 3600);
      const member: FakeGroupMember = {
        userid,
        type: isExternal(userid) ? 2 : 1,
        join_time: joinTime,
        join_scene: userid === owner ? 1 : (stableInt(`${userid}@${chatId}`, 1, 3) as 1 | 2 | 3),
        group_nickname: '',
      };
      if (userid !== owner) member.invitor = { userid: owner };
      return member;
    }),
    admin_list: admins.map((userid) => ({ userid })),
    status: 0,
    dismissed: false,
  };
}

/** Staff-only groups, readable only through the chat-archive API; the first member created the group. */
export function seedInternalGroups(school: DemoSchool): Map<string, FakeInternalGroup> {
  const groups = new Map<string, FakeInternalGroup>();
  for (const g of school.otherGroups) {
    if (g.kind !== 'internal_group') continue;
    const created = FIRST_GROUP_SECONDS - stableInt(g.roomId, 0, GROUP_SPAN_SECONDS);
    const memberIds = [...new Set(g.memberIds)];
    groups.set(g.roomId, {
      roomid: g.roomId,
      roomname: g.name,
      creator: memberIds[0] ?? '',
      room_create_time: created,
      notice: '',
      members: memberIds.map((memberid, index) => ({ memberid, jointime: index === 0 ? created : created + stableInt(`${g.roomId}/${memberid}`, 60, 30 * 24 * 3600) })),
    });
  }
  return groups;
}
