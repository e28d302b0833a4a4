import { requiredString, fakeEndpoint } from '../fake-endpoint.ts';
import { WecomFakeFailure } from '../wecom-errmsg.ts';

/** Internal groups as the chat archive sees them; only the archive secret may ask. */
export const internalGroupGet = fakeEndpoint('POST msgaudit/groupchat/get', 'archive', 'roomid', ({ body, directory }) => {
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
});

export const archivePermitUserList = fakeEndpoint('POST msgaudit/get_permit_user_list', 'archive', null,
  ({ directory }) => ({ ids: [...directory.archivePermitUserIds] }));
