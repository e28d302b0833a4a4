import { firstString, requiredString, type FakeEndpoint } from '../fake-endpoint.ts';
import { WecomFakeFailure } from '../wecom-errmsg.ts';

/** Internal groups as the chat archive sees them; only the archive secret may ask. */
export const internalGroupGet: FakeEndpoint = {
  path: 'msgaudit/groupchat/get',
  method: 'POST',
  app: 'archive',
  ids: ({ body }) => firstString(body.roomid),
  handle: ({ body, directory }) => {
    const roomId = requiredString(body, 'roomid');
    const group = directory.internalGroups.get(roomId);
    // customer groups and ids the corp never had both get "not an internal group"
    if (!group) throw new WecomFakeFailure(301059);
    return {
      roomname: group.roomname,
      creator: group.creator,
      room_create_time: group.room_create_time,
      notice: group.notice,
      members: group.members.map((m) => ({ ...m })),
    };
  },
};

export const archivePermitUserList: FakeEndpoint = {
  path: 'msgaudit/get_permit_user_list',
  method: 'POST',
  app: 'archive',
  ids: () => [],
  handle: ({ directory }) => ({ ids: [...directory.archivePermitUserIds] }),
};
