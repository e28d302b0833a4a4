import { decodeCursor, pageOf } from '../cursor.ts';
import { integerIn, requiredString, stringArray, fakeEndpoint } from '../fake-endpoint.ts';
import { WecomFakeFailure } from '../wecom-errmsg.ts';
import type { WecomDirectory } from '../wecom-fake-state.ts';

/** A member's name as `need_name=1` returns it: the staff name or the customer's name. */
function memberName(directory: WecomDirectory, id: string): string {
  return directory.users.get(id)?.name ?? directory.externalContacts.get(id)?.external_contact.name ?? '';
}

export const customerGroupList = fakeEndpoint('POST externalcontact/groupchat/list', 'contact', null, ({ body, directory }) => {
  const limit = integerIn(body, 'limit', 1, 1_000);
  const statusFilter = integerIn(body, 'status_filter', 0, 3, 0);
  const ownerFilter = body.owner_filter as { userid_list?: unknown } | undefined;
  const owners = ownerFilter === undefined ? null : stringArray(ownerFilter.userid_list, 'owner_filter.userid_list');
  if (owners && owners.length > 100) throw new WecomFakeFailure(40058, 'invalid parameter: owner_filter.userid_list holds at most 100 ids');
  const groups = [...directory.customerGroups.values()].filter((g) =>
    !g.dismissed && (statusFilter === 0 || g.status === statusFilter) && (owners === null || owners.includes(g.owner)));
  const queryKey = `groupchat:${statusFilter}:${owners?.join(',') ?? '*'}`;
  const { page, nextCursor } = pageOf(groups, decodeCursor(body.cursor, queryKey), limit, queryKey);
  return { group_chat_list: page.map((g) => ({ chat_id: g.chat_id, status: g.status })), next_cursor: nextCursor };
});

export const customerGroupGet = fakeEndpoint('POST externalcontact/groupchat/get', 'contact', 'chat_id', ({ body, directory }) => {
  const chatId = requiredString(body, 'chat_id');
  const needName = integerIn(body, 'need_name', 0, 1, 0) === 1;
  const group = directory.customerGroups.get(chatId);
  if (!group) throw new WecomFakeFailure(directory.internalGroups.has(chatId) ? 90501 : 40050);
  if (group.dismissed) throw new WecomFakeFailure(49008);
  return {
    group_chat: {
      chat_id: group.chat_id,
      name: group.name,
      owner: group.owner,
      create_time: group.create_time,
      notice: group.notice,
      // no member_count: the API has none (the original tool read one and always showed "0人")
      member_list: group.member_list.map((m) => (needName ? { ...m, name: memberName(directory, m.userid) } : { ...m })),
      admin_list: group.admin_list.map((a) => ({ ...a })),
      member_version: String(group.member_list.length),
    },
  };
});
