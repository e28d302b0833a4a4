import type { CustomerGroup, CustomerGroupSummary, InternalGroup, Page } from '../wecom-types.ts';
import { customerGroupGetWire, customerGroupListWire, internalGroupGetWire, permitUserListWire } from '../wire-schemas.ts';
import { definedOnly, parseAnswer, type CallWecom } from './parse-answer.ts';

/** A customer group (`wr…`). `needName` asks WeCom for members' names as well (costs nothing extra). */
export async function getCustomerGroup(call: CallWecom, chatId: string, options: { needName?: boolean } = {}): Promise<CustomerGroup> {
  const endpoint = 'externalcontact/groupchat/get';
  const answer = await call('main', { endpoint, method: 'POST', body: { chat_id: chatId, need_name: options.needName ? 1 : 0 } });
  const group = parseAnswer(customerGroupGetWire, answer, endpoint).group_chat;
  return {
    chatId: group.chat_id,
    name: group.name,
    owner: group.owner,
    createTime: group.create_time,
    notice: group.notice,
    memberCount: group.member_list.length,
    members: group.member_list.map((m) => definedOnly({
      userId: m.userid,
      type: m.type,
      unionId: m.unionid,
      joinTime: m.join_time,
      joinScene: m.join_scene,
      invitorUserId: m.invitor?.userid,
      groupNickname: m.group_nickname,
      name: m.name,
    })),
    adminUserIds: group.admin_list.map((a) => a.userid),
  };
}

export interface CustomerGroupListQuery {
  cursor?: string;
  /** 1–1000; the API requires it */
  limit?: number;
  /** 0 all, 1 owner left, 2 inheritance in progress, 3 inherited */
  statusFilter?: number;
  /** up to 100 owners; required by WeCom when more than 1000 owners are in scope (errcode 81017) */
  ownerUserIds?: string[];
}

export async function listCustomerGroups(call: CallWecom, query: CustomerGroupListQuery = {}): Promise<Page<CustomerGroupSummary>> {
  const endpoint = 'externalcontact/groupchat/list';
  const body: Record<string, unknown> = {
    status_filter: query.statusFilter ?? 0,
    cursor: query.cursor ?? '',
    limit: Math.min(1_000, Math.max(1, query.limit ?? 1_000)),
  };
  if (query.ownerUserIds) body.owner_filter = { userid_list: query.ownerUserIds };
  const wire = parseAnswer(customerGroupListWire, await call('main', { endpoint, method: 'POST', body }), endpoint);
  return { items: wire.group_chat_list.map((g) => ({ chatId: g.chat_id, status: g.status })), nextCursor: wire.next_cursor };
}

/** An internal group seen in the chat archive; needs the chat-archive secret. */
export async function getInternalGroup(call: CallWecom, roomId: string): Promise<InternalGroup> {
  const endpoint = 'msgaudit/groupchat/get';
  const wire = parseAnswer(internalGroupGetWire, await call('archive', { endpoint, method: 'POST', body: { roomid: roomId } }), endpoint);
  return {
    roomId,
    name: wire.roomname,
    creator: wire.creator,
    createTime: wire.room_create_time,
    notice: wire.notice,
    memberCount: wire.members.length,
    members: wire.members.map((m) => ({ memberId: m.memberid, joinTime: m.jointime })),
  };
}

/** Members with chat archiving enabled: the cheapest call the archive secret is allowed to make. */
export async function listArchivePermitUsers(call: CallWecom): Promise<string[]> {
  const endpoint = 'msgaudit/get_permit_user_list';
  return parseAnswer(permitUserListWire, await call('archive', { endpoint, method: 'POST', body: {} }), endpoint).ids;
}
