import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { uniqueSuffix, useTestApp } from '@doitcrm/kit/testing';
import { createMessagesApp } from '../src/app.ts';
import { messagesConfigShape } from '../src/config.ts';
import type { MessageView, RoomTree, SearchHit } from '../src/contract.ts';
import { createFamily, insertMessages, minutesBefore, text } from './chat-factory.ts';

const api = useTestApp('messages', messagesConfigShape, createMessagesApp, { roles: ['staff'] });

const get = (url: string) => supertest(api.app).get(url).set('Cookie', api.cookies.staff);
const base = new Date(Date.now() - 3 * 86_400_000);
const ids = (items: MessageView[]) => items.map((m) => m.msgid);

describe('group browser', () => {
  it('when the tree is read, then a class group sits under its 段 and 阶 and an unlinked group under 其他群', async () => {
    const f = await createFamily(api.service.context.pool);
    const other = `wrOTHER${uniqueSuffix()}`;
    await api.service.context.pool.query(
      "INSERT INTO crm.identities (id_type, original_id, id_kind, business_name, notes) VALUES ('room_id', $1, 'customer_group', '家长交流群', '备注')", [other]);
    const tree = (await get('/api/room-tree').expect(200)).body as RoomTree;
    const l2 = tree.classRooms.find((s) => s.sectionName === '一段')!.levels.find((l) => l.levelName === 'L2')!;
    expect(l2.classes).toContainEqual({ classId: f.classId, className: f.className, roomId: f.room, roomName: `${f.className}家长群` });
    expect(tree.otherRooms).toContainEqual({ roomId: other, roomName: '家长交流群', notes: '备注' });
    expect(tree.otherRooms.map((r) => r.roomId)).not.toContain(f.room);
  });

  it('when a group is paged, then keyset pages cover it in order, and only unmapped parents are judged by the mapping', async () => {
    const f = await createFamily(api.service.context.pool);
    // a parent with a role but no student is not mapped yet, whatever the id looks like
    await api.service.context.pool.query(
      "UPDATE crm.identities SET user_role = 'parent', business_name = '某家长' WHERE original_id = $1", [f.unmappedParent]);
    const written = await insertMessages(api.service.context.pool, Array.from({ length: 12 }, (_, i) => ({
      from: [f.parent, f.teacher, f.unmappedParent, `wmNEW${f.suffix}`][i % 4]!, to: [f.teacher], roomId: f.room,
      at: minutesBefore(base, i), ...text(`第${i}条`),
    })));
    const first = await get(`/api/room-messages?room_id=${f.room}&limit=5`).expect(200);
    const second = await get(`/api/room-messages?room_id=${f.room}&limit=5&cursor=${first.body.nextCursor}`).expect(200);
    const third = await get(`/api/room-messages?room_id=${f.room}&limit=5&cursor=${second.body.nextCursor}`).expect(200);
    expect([...ids(first.body.items), ...ids(second.body.items), ...ids(third.body.items)]).toEqual(written);
    expect(third.body.nextCursor).toBeNull();
    expect(first.body.items[1]).toMatchObject({ senderName: `王老师${f.suffix}`, senderRole: 'teacher', unmappedParent: false });

    const unmapped = await get(`/api/room-messages?room_id=${f.room}&only_unmapped=true`).expect(200);
    expect(new Set(unmapped.body.items.map((m: MessageView) => m.fromId))).toEqual(new Set([f.unmappedParent, `wmNEW${f.suffix}`]));
    expect(unmapped.body.items.every((m: MessageView) => m.unmappedParent)).toBe(true);
  });

  it('when a group\'s messages are read, then the view is audited', async () => {
    const f = await createFamily(api.service.context.pool);
    await get(`/api/room-messages?room_id=${f.room}`).expect(200);
    const { rows } = await api.service.context.pool.query("SELECT action FROM auth.audit_log WHERE target_type = 'room' AND target_id = $1", [f.room]);
    expect(rows).toEqual([{ action: 'messages.room.view' }]);
  });

  it('when a group\'s detail is read, then its stats and top members count its own messages', async () => {
    const f = await createFamily(api.service.context.pool);
    await insertMessages(api.service.context.pool, [
      { from: f.teacher, to: [f.parent], roomId: f.room, at: new Date(), ...text('今天的作业') },
      { from: f.teacher, to: [f.parent], roomId: f.room, at: minutesBefore(base, 60 * 24 * 20), ...text('上个月') },
      { from: f.parent, to: [f.teacher], roomId: f.room, at: minutesBefore(base, 10), ...text('收到') },
      { from: f.parent, to: [f.teacher], roomId: null, at: base, ...text('私聊不算群里') },
    ]);
    const detail = (await get(`/api/room-detail/${f.room}`).expect(200)).body;
    expect(detail).toMatchObject({ roomName: `${f.className}家长群`, className: f.className, levelName: 'L2', sectionName: '一段' });
    expect(detail.stats).toMatchObject({ totalMessages: 3, activeMembers: 2, messagesToday: 1, messages7Days: 2 });
    expect(detail.members.map((m: { id: string; messageCount: number }) => [m.id, m.messageCount])).toEqual([[f.teacher, 2], [f.parent, 1]]);
    expect((await get('/api/room-detail/wrNEVER_SEEN').expect(404)).body.message).toContain('wrNEVER_SEEN');
  });

  it('when a message is written today, then the overall stats count it', async () => {
    const f = await createFamily(api.service.context.pool);
    const before = (await get('/api/room-stats').expect(200)).body;
    await insertMessages(api.service.context.pool, [{ from: f.teacher, to: [f.parent], roomId: f.room, at: new Date(), ...text('早上好') }]);
    const after = (await get('/api/room-stats').expect(200)).body;
    expect(after.todayMessages).toBe(before.todayMessages + 1);
    expect(after.weekMessages).toBe(before.weekMessages + 1);
    expect(after.classRoomsCount).toBeGreaterThanOrEqual(1);
  });
});

describe('full-text search', () => {
  async function searchRoom() {
    const f = await createFamily(api.service.context.pool);
    const [refund, spaced, reversed, latin, link, image, recalled] = await insertMessages(api.service.context.pool, [
      { from: f.parent, to: [f.teacher], roomId: f.room, at: minutesBefore(base, 1), ...text('老师请问怎么退费呢') },
      { from: f.parent, to: [f.teacher], roomId: f.room, at: minutesBefore(base, 2), ...text('退 费的事') },
      { from: f.parent, to: [f.teacher], roomId: f.room, at: minutesBefore(base, 3), ...text('费退') },
      { from: f.teacher, to: [f.parent], roomId: f.room, at: minutesBefore(base, 4), ...text(`Oxford PHONICS ${f.suffix}`) },
      { from: f.teacher, to: [f.parent], roomId: f.room, at: minutesBefore(base, 5), msgtype: 'link', payload: { title: '退费须知', description: '家长必读' } },
      { from: f.teacher, to: [f.parent], roomId: f.room, at: minutesBefore(base, 6), msgtype: 'image', payload: { filesize: 1000 } },
      { from: f.parent, to: [f.teacher], roomId: f.room, at: minutesBefore(base, 7), recalledBy: 'REVOKE1', ...text('我要退费') },
    ]);
    return { f, refund: refund!, spaced: spaced!, reversed: reversed!, latin: latin!, link: link!, image: image!, recalled: recalled! };
  }

  it('when a two-character word is searched, then every message containing it is found and nothing else', async () => {
    const s = await searchRoom();
    const response = await get(`/api/search?q=${encodeURIComponent('退费')}&room_id=${s.f.room}`).expect(200);
    expect(ids(response.body.items)).toEqual([s.refund, s.link, s.recalled]);
    const hit = response.body.items[0] as SearchHit;
    expect(hit.snippet).toEqual([{ text: '老师请问怎么', hit: false }, { text: '退费', hit: true }, { text: '呢', hit: false }]);
    expect(hit.roomName).toBe(`${s.f.className}家长群`);
    expect((response.body.items[2] as SearchHit).content.recalled).toBe(true);
  });

  it('when a term of three or more characters is searched across all groups, then only exact substring matches come back', async () => {
    const s = await searchRoom();
    const unique = `PHONICS ${s.f.suffix}`;
    const response = await get(`/api/search?q=${encodeURIComponent(unique.toLowerCase())}`).expect(200);
    expect(ids(response.body.items)).toEqual([s.latin]);
    expect(response.body.items[0].snippet.filter((part: { hit: boolean }) => part.hit).map((part: { text: string }) => part.text)).toEqual([unique]);
  });

  it('when a single character is searched, then a group or person filter is required and every message with it is found', async () => {
    const s = await searchRoom();
    const unfiltered = await get(`/api/search?q=${encodeURIComponent('费')}`);
    expect(unfiltered.status).toBe(400);
    expect(unfiltered.body.message).toContain('q');
    const inRoom = await get(`/api/search?q=${encodeURIComponent('费')}&room_id=${s.f.room}`).expect(200);
    expect(ids(inRoom.body.items)).toEqual([s.refund, s.spaced, s.reversed, s.link, s.recalled]);
    const byPerson = await get(`/api/search?q=${encodeURIComponent('费')}&user_id=${s.f.parent}`).expect(200);
    expect(ids(byPerson.body.items)).toEqual([s.refund, s.spaced, s.reversed, s.recalled]);
  });

  it('when a single character lies deeper in a big group than one call reads, then the call says how far it searched and its cursor finds the rest', async () => {
    const f = await createFamily(api.service.context.pool);
    const [old] = await insertMessages(api.service.context.pool, [{ from: f.parent, to: [f.teacher], roomId: f.room, at: minutesBefore(base, 20_000), ...text('犇犇今天请假') }]);
    // more messages above it than one call may read: SINGLE_CHARACTER_BUDGET (8,000)
    await insertMessages(api.service.context.pool, Array.from({ length: 8_100 }, (_, i) => ({
      from: f.teacher, to: [f.parent], roomId: f.room, at: minutesBefore(base, i), ...text(`第${i}条通知`),
    })));
    const first = await get(`/api/search?q=${encodeURIComponent('犇')}&room_id=${f.room}`).expect(200);
    expect(first.body.items).toEqual([]);
    expect(first.body.nextCursor).not.toBeNull();
    // it read the newest 8,000: the 8,000th newest was written 7,999 minutes before base
    expect(first.body.searchedTo).toBe(minutesBefore(base, 7_999).toISOString());
    const second = await get(`/api/search?q=${encodeURIComponent('犇')}&room_id=${f.room}&cursor=${first.body.nextCursor}`).expect(200);
    expect(ids(second.body.items)).toEqual([old]);
    expect(second.body.searchedTo).toBeNull();
    expect(second.body.nextCursor).toBeNull();
  });

  it('when a term holds a space, then only messages with exactly that text are found', async () => {
    const s = await searchRoom();
    const response = await get(`/api/search?q=${encodeURIComponent('退 费')}&room_id=${s.f.room}`).expect(200);
    expect(ids(response.body.items)).toEqual([s.spaced]);
  });

  it('when search is filtered by sender role and class, then only that role\'s messages in that class\'s group are found', async () => {
    const s = await searchRoom();
    const response = await get(`/api/search?q=${encodeURIComponent('退费')}&class_id=${s.f.classId}&role=teacher`).expect(200);
    expect(ids(response.body.items)).toEqual([s.link]);
  });

  it('when results span pages, then the cursor continues without repeats and the search is audited', async () => {
    const s = await searchRoom();
    const first = await get(`/api/search?q=${encodeURIComponent('退费')}&room_id=${s.f.room}&limit=2`).expect(200);
    const second = await get(`/api/search?q=${encodeURIComponent('退费')}&room_id=${s.f.room}&limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect([...ids(first.body.items), ...ids(second.body.items)]).toEqual([s.refund, s.link, s.recalled]);
    expect(second.body.nextCursor).toBeNull();
    const { rows } = await api.service.context.pool.query(
      "SELECT count(*)::int AS n FROM auth.audit_log WHERE action = 'messages.search' AND details->>'roomId' = $1", [s.f.room]);
    expect(rows[0].n).toBe(2);
  });

  it.each([
    ['q', '/api/search?q='],
    ['class_id', '/api/search?q=abc&class_id=abc'],
    ['role', '/api/search?q=abc&role=boss'],
    ['start_time', '/api/search?q=abc&start_time=2025-13-01'],
  ])('when %s is bad, then 400 names it', async (field, url) => {
    const response = await get(url);
    expect(response.status).toBe(400);
    expect(response.body.message).toContain(field);
  });
});
