import type { FakeCustomerGroup, FakeGroupMember } from '../wecom-fake-state.ts';
import { newWecomId, requireText, requireTexts, seconds, StaffActionError, type StaffActionResult, type StaffContext } from './staff-context.ts';

/**
 * What group owners and members do to customer groups in the WeCom client, and the `change_external_chat` event each
 * raises (https://developer.work.weixin.qq.com/document/path/92277).
 */

const isExternal = (id: string): boolean => /^w[mo]/.test(id);

export interface CreateGroupInput {
  owner: string;
  name: string;
  memberIds?: string[];
  notice?: string;
}

export async function createGroup(context: StaffContext, input: CreateGroupInput): Promise<StaffActionResult<{ chatId: string }>> {
  const owner = requireText(input.owner, 'owner');
  if (!context.directory.users.has(owner)) throw new StaffActionError(404, `no member ${owner}`);
  const chatId = newWecomId('wr');
  const createTime = seconds(context.now());
  const group: FakeCustomerGroup = {
    chat_id: chatId, name: requireText(input.name, 'name'), owner, create_time: createTime, notice: input.notice ?? '',
    member_list: [{ userid: owner, type: 1, join_time: createTime, join_scene: 1, group_nickname: '' }],
    admin_list: [], status: 0, dismissed: false,
  };
  for (const id of input.memberIds ?? []) if (id !== owner) group.member_list.push(member(context, id, owner, createTime, 1));
  context.directory.customerGroups.set(chatId, group);
  const callback = await context.emit({ event: 'change_external_chat', changeType: 'create', fields: { ChatId: chatId } });
  return { result: { chatId }, callback };
}

/** `joinScene` as the event words it: 0 invited by a member (directly or by link), 3 scanned the group QR code. */
export async function addGroupMembers(context: StaffContext, chatId: string, input: { userIds: string[]; joinScene?: 0 | 3 }): Promise<StaffActionResult<{ memberCount: number }>> {
  const group = liveGroup(context, chatId);
  const joinScene = input.joinScene ?? 0;
  if (joinScene !== 0 && joinScene !== 3) throw new StaffActionError(400, 'joinScene is 0 (invited) or 3 (QR code)');
  const ids = requireTexts(input.userIds, 'userIds');
  if (ids.some((id) => group.member_list.some((m) => m.userid === id))) throw new StaffActionError(409, 'already a member of the group');
  const joined = seconds(context.now());
  for (const id of ids) group.member_list.push(member(context, id, group.owner, joined, joinScene === 3 ? 3 : 1));
  const callback = await context.emit({
    event: 'change_external_chat', changeType: 'update',
    fields: { ChatId: chatId, UpdateDetail: 'add_member', JoinScene: joinScene, MemChangeCnt: ids.length, MemChangeList: ids },
  });
  return { result: { memberCount: group.member_list.length }, callback };
}

/** `quitScene`: 0 the members left by themselves, 1 the owner or an admin removed them. */
export async function removeGroupMembers(context: StaffContext, chatId: string, input: { userIds: string[]; quitScene?: 0 | 1 }): Promise<StaffActionResult<{ memberCount: number }>> {
  const group = liveGroup(context, chatId);
  const quitScene = input.quitScene ?? 0;
  if (quitScene !== 0 && quitScene !== 1) throw new StaffActionError(400, 'quitScene is 0 (left) or 1 (removed)');
  const ids = requireTexts(input.userIds, 'userIds');
  if (ids.includes(group.owner)) throw new StaffActionError(400, 'the owner cannot leave; transfer the group or dismiss it');
  if (ids.some((id) => !group.member_list.some((m) => m.userid === id))) throw new StaffActionError(404, 'not a member of the group');
  group.member_list = group.member_list.filter((m) => !ids.includes(m.userid));
  group.admin_list = group.admin_list.filter((a) => !ids.includes(a.userid));
  const callback = await context.emit({
    event: 'change_external_chat', changeType: 'update',
    fields: { ChatId: chatId, UpdateDetail: 'del_member', QuitScene: quitScene, MemChangeCnt: ids.length, MemChangeList: ids },
  });
  return { result: { memberCount: group.member_list.length }, callback };
}

export async function renameGroup(context: StaffContext, chatId: string, name: string): Promise<StaffActionResult<{ name: string }>> {
  const group = liveGroup(context, chatId);
  group.name = requireText(name, 'name');
  const callback = await context.emit({ event: 'change_external_chat', changeType: 'update', fields: { ChatId: chatId, UpdateDetail: 'change_name' } });
  return { result: { name: group.name }, callback };
}

/** The group stays in the directory, dismissed: `groupchat/get` answers 49008 and the list leaves it out. */
export async function dismissGroup(context: StaffContext, chatId: string): Promise<StaffActionResult<{ chatId: string }>> {
  liveGroup(context, chatId).dismissed = true;
  const callback = await context.emit({ event: 'change_external_chat', changeType: 'dismiss', fields: { ChatId: chatId } });
  return { result: { chatId }, callback };
}

function liveGroup(context: StaffContext, chatId: string): FakeCustomerGroup {
  const group = context.directory.customerGroups.get(chatId);
  if (!group) throw new StaffActionError(404, `no customer group ${chatId}`);
  if (group.dismissed) throw new StaffActionError(409, `${chatId} is dismissed`);
  return group;
}

function member(context: StaffContext, id: string, invitor: string, joinTime: number, joinScene: 1 | 3): FakeGroupMember {
  const known = isExternal(id) ? context.directory.externalContacts.has(id) : context.directory.users.has(id);
  if (!known) throw new StaffActionError(404, `no member or customer ${id}`);
  return { userid: id, type: isExternal(id) ? 2 : 1, join_time: joinTime, join_scene: joinScene, invitor: { userid: invitor }, group_nickname: '' };
}
