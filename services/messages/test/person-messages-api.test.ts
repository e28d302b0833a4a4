import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '@doitcrm/kit/testing';
import { createMessagesApp } from '../src/app.ts';
import { messagesConfigShape } from '../src/config.ts';
import type { MessageView, UserMessagesResponse } from '../src/contract.ts';
import { conversationPage } from '../src/data-access/conversation-repository.ts';
import { createFamily, insertMessages, minutesBefore, text } from './chat-factory.ts';

const api = useTestApp('messages', messagesConfigShape, createMessagesApp, { roles: ['staff'] });

const get = (url: string) => supertest(api.app).get(url).set('Cookie', api.cookies.staff);
const base = new Date(Date.now() - 2 * 86_400_000);

describe('person search and conversations', () => {
  it.each([
    '/api/search-users?keyword=x', '/api/user-messages?user_id=x', '/api/message-context/x', '/api/room-tree', '/api/room-stats',
    '/api/room-messages?room_id=x', '/api/room-detail/x', '/api/search?q=退费', '/api/filter-options', '/api/exports/parent-comm-summary.csv',
  ])('when GET %s is called without a session, then 401', async (url) => {
    expect((await supertest(api.app).get(url)).status).toBe(401);
  });

  it('when a parent is searched by the child\'s English name, then the parent is found with role, child and class', async () => {
    const family = await createFamily(api.service.context.pool);
    const response = await get(`/api/search-users?keyword=${family.englishName.toLowerCase()}&kind=parent`);
    expect(response.status).toBe(200);
    expect(response.body.users).toHaveLength(1);
    expect(response.body.users[0]).toMatchObject({
      id: family.parent, role: 'parent', displayName: `${family.studentName}妈妈`,
      students: [{ name: family.studentName, englishName: family.englishName, className: family.className, levelName: 'L2', sectionName: '一段' }],
    });
  });

  it('when staff are searched with the staff switch, then teachers are found there and not among parents', async () => {
    const family = await createFamily(api.service.context.pool);
    const asStaff = await get(`/api/search-users?keyword=${encodeURIComponent(`王老师${family.suffix}`)}&kind=staff`);
    const asParent = await get(`/api/search-users?keyword=${encodeURIComponent(`王老师${family.suffix}`)}&kind=parent`);
    expect(asStaff.body.users.map((user: { id: string }) => user.id)).toEqual([family.teacher]);
    expect(asParent.body.users).toEqual([]);
  });

  it('when a person\'s month is read, then 1:1 chats hold both directions and groups show their messages with the replies around them', async () => {
    const f = await createFamily(api.service.context.pool);
    const [ownGroup, reply, farAway, sentDirect, receivedDirect, otherDirect] = await insertMessages(api.service.context.pool, [
      { from: f.parent, to: [f.teacher], roomId: f.room, at: minutesBefore(base, 60), ...text('老师，孩子明天请假') },
      { from: f.teacher, to: [f.parent], roomId: f.room, at: minutesBefore(base, 50), ...text('好的，收到') },
      { from: f.teacher, to: [f.parent], roomId: f.room, at: minutesBefore(base, 60 * 24), ...text('明天上课带书') },
      { from: f.parent, to: [f.teacher], roomId: null, at: minutesBefore(base, 30), ...text('私聊问一下') },
      { from: f.teacher, to: [f.parent], roomId: null, at: minutesBefore(base, 20), ...text('私聊回复') },
      { from: f.teacher, to: [f.unmappedParent], roomId: null, at: minutesBefore(base, 10), ...text('别人的私聊') },
    ]);
    const response = await get(`/api/user-messages?user_id=${f.parent}`);
    expect(response.status).toBe(200);
    const body = response.body as UserMessagesResponse;
    expect(body.conversations.map((c) => [c.key, c.type, c.messageCount])).toEqual([
      [`private:${f.teacher}`, 'private', 2], [f.room, 'group', 1],
    ]);
    expect(body.conversations[0]!.name).toBe(`王老师${f.suffix}`);
    expect(body.messages.items.map((m) => [m.msgid, m.direction])).toEqual([[receivedDirect, 'received'], [sentDirect, 'sent']]);
    expect(body.messages.items.map((m) => m.msgid)).not.toContain(otherDirect);

    const group = (await get(`/api/user-messages?user_id=${f.parent}&conversation=${f.room}`)).body as UserMessagesResponse;
    expect(group.messages.items.map((m: MessageView) => [m.msgid, m.isContext, m.senderName])).toEqual([
      [reply, true, `王老师${f.suffix}`], [ownGroup, false, `${f.studentName}妈妈`],
    ]);
    expect(group.messages.items.map((m) => m.msgid)).not.toContain(farAway);

    // started from one own message at a time (read again with more until the page is exact): same answer
    const fromOne = await conversationPage(api.service.context.pool, f.parent, f.room,
      { start: new Date(group.startTime), end: new Date(group.endTime) }, null, 50, 1);
    expect(fromOne.items.map((m) => m.msgid)).toEqual([reply, ownGroup]);
  });

  it('when a busy conversation is paged, then pages follow each other without overlap or gaps', async () => {
    const f = await createFamily(api.service.context.pool);
    const same = minutesBefore(base, 5);
    const ids = await insertMessages(api.service.context.pool, Array.from({ length: 23 }, (_, i) => ({
      from: i % 2 ? f.parent : f.teacher, to: [i % 2 ? f.teacher : f.parent], roomId: null,
      // several messages share one timestamp: the msgid breaks ties
      at: i < 6 ? same : minutesBefore(base, i), ...text(`消息 ${i}`),
    })));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = (await get(`/api/user-messages?user_id=${f.parent}&limit=5${cursor ? `&cursor=${cursor}` : ''}`)).body as UserMessagesResponse;
      seen.push(...page.messages.items.map((m) => m.msgid));
      cursor = page.messages.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(5);
    expect(new Set(seen).size).toBe(23);
    expect([...seen].sort()).toEqual([...ids].sort());
  });

  it('when a busy group is paged for a parent with many messages, then every page holds exactly their messages and the replies around them', async () => {
    const f = await createFamily(api.service.context.pool);
    // three days of a busy group: the parent writes in bursts and alone, others write all day, some at equal times
    const messages = Array.from({ length: 400 }, (_, i) => {
      const minutes = i * 11 + (i % 7 === 0 ? 0 : 3);
      const from = i % 9 === 0 || (i > 150 && i < 170) ? f.parent : i % 2 ? f.teacher : f.unmappedParent;
      return { from, to: [f.teacher], roomId: f.room, at: minutesBefore(base, minutes), ...text(`群消息 ${i}`) };
    });
    const ids = await insertMessages(api.service.context.pool, messages);
    const ownTimes = messages.filter((m) => m.from === f.parent).map((m) => m.at.getTime());
    const inContext = (at: number) => ownTimes.some((own) => at >= own - 10 * 60_000 && at <= own + 30 * 60_000);
    const expected = messages.map((m, i) => ({ id: ids[i]!, at: m.at.getTime() })).filter((m) => inContext(m.at))
      .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((m) => m.id);
    expect(expected.length).toBeLessThan(messages.length);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await get(`/api/user-messages?user_id=${f.parent}&conversation=${f.room}&limit=13${cursor ? `&cursor=${cursor}` : ''}`))
        .body as UserMessagesResponse;
      seen.push(...page.messages.items.map((m) => m.msgid));
      cursor = page.messages.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected);

    const window = { start: minutesBefore(base, 400 * 11 + 60), end: base };
    const fromOne = await conversationPage(api.service.context.pool, f.parent, f.room, window, null, 40, 1);
    expect(fromOne.items.map((m) => m.msgid)).toEqual(expected.slice(0, 40));
  });

  it('when a person\'s messages are read, then the audit log names the viewer and whose messages', async () => {
    const f = await createFamily(api.service.context.pool);
    await insertMessages(api.service.context.pool, [{ from: f.parent, to: [f.teacher], roomId: null, at: base, ...text('你好') }]);
    await get(`/api/user-messages?user_id=${f.parent}`).expect(200);
    const { rows } = await api.service.context.pool.query(
      "SELECT username, action, target_type, target_id FROM auth.audit_log WHERE service = 'messages' AND target_id = $1", [f.parent]);
    expect(rows).toEqual([{ username: api.users.staff.username, action: 'messages.person.view', target_type: 'person', target_id: f.parent }]);
  });

  it.each([
    ['user_id', '/api/user-messages'],
    ['start_time', '/api/user-messages?user_id=x&start_time=yesterday'],
    ['end_time', '/api/user-messages?user_id=x&start_time=2025-12-02T00:00:00%2B08:00&end_time=2025-12-01T00:00:00%2B08:00'],
    ['cursor', '/api/user-messages?user_id=x&cursor=nonsense'],
    ['limit', '/api/user-messages?user_id=x&limit=5000'],
    ['keyword', '/api/search-users?keyword=%20'],
    ['kind', '/api/search-users?keyword=a&kind=secret111'],
  ])('when %s is bad, then 400 names it', async (field, url) => {
    const f = await createFamily(api.service.context.pool);
    const response = await get(url.replace('user_id=x', `user_id=${f.parent}`));
    expect(response.status).toBe(400);
    expect(response.body.message).toContain(field);
  });

  it('when the person does not exist, then 404', async () => {
    expect((await get('/api/user-messages?user_id=wmNOBODY_EVER')).status).toBe(404);
  });

  it('when a message is opened by its msgid, then its conversation comes with newer and older messages around it', async () => {
    const f = await createFamily(api.service.context.pool);
    const ids = await insertMessages(api.service.context.pool, Array.from({ length: 8 }, (_, i) => ({
      from: f.teacher, to: [f.parent], roomId: f.room, at: minutesBefore(base, 100 - i), ...text(`群消息 ${i}`),
    })));
    const response = await get(`/api/message-context/${ids[5]}?limit=3`);
    expect(response.status).toBe(200);
    expect(response.body.conversation).toEqual({ type: 'group', roomId: f.room, name: `${f.className}家长群` });
    expect(response.body.newer.map((m: MessageView) => m.msgid)).toEqual([ids[6], ids[7]]);
    expect(response.body.older.items.map((m: MessageView) => m.msgid)).toEqual([ids[5], ids[4], ids[3]]);
    const next = await get(`/api/message-context/${ids[5]}?limit=3&cursor=${response.body.older.nextCursor}`);
    expect(next.body.older.items.map((m: MessageView) => m.msgid)).toEqual([ids[2], ids[1], ids[0]]);
  });
});
