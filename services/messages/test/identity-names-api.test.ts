import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '@doitcrm/kit/testing';
import { createMessagesApp } from '../src/app.ts';
import { messagesConfigShape } from '../src/config.ts';
import type { MessageView, RoomTree } from '../src/contract.ts';
import { createFamily, insertMessages, minutesBefore, text } from './chat-factory.ts';

// Names written by something other than the mapper (the roster, an old import) can be blank or padded: the
// database's one definition (display_name, has_business_name) trims them, so these ids read as unnamed.
const api = useTestApp('messages', messagesConfigShape, createMessagesApp, { roles: ['staff'] });

const get = (url: string) => supertest(api.app).get(url).set('Cookie', api.cookies.staff);
const base = new Date(Date.now() - 2 * 86_400_000);

describe('names written blank or padded', () => {
  it('when a parent\'s business name is only whitespace, then the messages show the nickname and count the parent unmapped', async () => {
    const f = await createFamily(api.service.context.pool);
    await api.service.context.pool.query("UPDATE crm.identities SET business_name = ' \u3000 ' WHERE id_type = 'user_id' AND original_id = $1", [f.parent]);
    const [msgid] = await insertMessages(api.service.context.pool, [{ from: f.parent, to: [f.teacher], roomId: f.room, at: minutesBefore(base, 1), ...text('老师好') }]);

    const all = await get(`/api/room-messages?room_id=${f.room}`).expect(200);
    const unmapped = await get(`/api/room-messages?room_id=${f.room}&only_unmapped=true`).expect(200);

    expect((all.body.items as MessageView[]).map((m) => [m.msgid, m.senderName, m.unmappedParent])).toEqual([[msgid, '微信昵称', true]]);
    expect((unmapped.body.items as MessageView[]).map((m) => m.msgid)).toEqual([msgid]);
  });

  it('when a class group\'s business name is only whitespace, then the group tree names it after its class', async () => {
    const f = await createFamily(api.service.context.pool);
    await api.service.context.pool.query("UPDATE crm.identities SET business_name = '  ' WHERE id_type = 'room_id' AND original_id = $1", [f.room]);

    const tree = (await get('/api/room-tree').expect(200)).body as RoomTree;

    const rooms = tree.classRooms.flatMap((section) => section.levels.flatMap((level) => level.classes)).filter((room) => room.roomId === f.room);
    expect(rooms.map((room) => room.roomName)).toEqual([f.className]);
  });
});
