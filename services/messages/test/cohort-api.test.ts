import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '@doitcrm/kit/testing';
import { createMessagesApp } from '../src/app.ts';
import { messagesConfigShape } from '../src/config.ts';
import type { AggregateResponse, CohortMember } from '../src/contract.ts';
import { createFamily, insertMessages, text } from './chat-factory.ts';

const api = useTestApp('messages', messagesConfigShape, createMessagesApp, { roles: ['staff'] });

const post = (url: string, body: object) => supertest(api.app).post(url).set('Cookie', api.cookies.staff).send(body);
const get = (url: string) => supertest(api.app).get(url).set('Cookie', api.cookies.staff);
const windowStart = new Date('2025-11-01T00:00:00+08:00');
const windowEnd = new Date('2025-11-30T23:59:59+08:00');
const inWindow = (day: number) => new Date(`2025-11-${String(day).padStart(2, '0')}T10:00:00+08:00`);

describe('cohorts', () => {
  it('when people are filtered by class, then each comes with the count of messages sent in the chosen window only', async () => {
    const f = await createFamily(api.service.context.pool);
    await insertMessages(api.service.context.pool, [
      { from: f.parent, to: [f.teacher], roomId: f.room, at: inWindow(3), ...text('一') },
      { from: f.parent, to: [f.teacher], roomId: null, at: inWindow(4), ...text('二') },
      { from: f.parent, to: [f.teacher], roomId: f.room, at: new Date('2025-10-15T10:00:00+08:00'), ...text('窗口外') },
      { from: f.teacher, to: [f.parent], roomId: f.room, at: inWindow(5), ...text('老师') },
    ]);
    const filters = { class_ids: [f.classId], start_time: windowStart.toISOString(), end_time: windowEnd.toISOString() };
    const parents = await post('/api/filter-users', { filters: { ...filters, kind: 'parent' } }).expect(200);
    expect(parents.body.users.map((u: CohortMember) => [u.id, u.messageCount])).toEqual([[f.parent, 2]]);
    const teachers = await post('/api/filter-users', { filters: { ...filters, kind: 'staff' } }).expect(200);
    expect(teachers.body.users.map((u: CohortMember) => [u.id, u.messageCount])).toEqual([[f.teacher, 1]]);
  });

  it('when a cohort is aggregated with a per-person limit, then the newest messages are kept, oldest first, and the text says what was left out', async () => {
    const f = await createFamily(api.service.context.pool);
    await insertMessages(api.service.context.pool, Array.from({ length: 5 }, (_, i) => ({
      from: f.parent, to: [f.teacher], roomId: i % 2 ? null : f.room, at: inWindow(10 + i), ...text(`第${i}条`),
    })));
    const response = await post('/api/aggregate-messages', {
      user_ids: [f.parent, 'wmNOBODY'], start_time: windowStart.toISOString(), end_time: windowEnd.toISOString(), max_messages_per_user: 3,
    }).expect(200);
    const body = response.body as AggregateResponse;
    expect(body.totalUsers).toBe(1);
    expect(body.people[0]!.total).toBe(5);
    expect(body.people[0]!.messages.map((m) => m.content.text)).toEqual(['第2条', '第3条', '第4条']);
    expect(body.text).toContain('消息总数: 5条（保留最新 3 条）');
    expect(body.text).toContain(`2025-11-14 10:00:00  我  [群聊 ${f.className}家长群]  第4条`);
    expect(body.text).toContain('2025-11-13 10:00:00  我  [私聊]  第3条');
    const { rows } = await api.service.context.pool.query(
      "SELECT details FROM auth.audit_log WHERE action = 'messages.cohort.view' AND details->'people' ? $1", [f.parent]);
    expect(rows).toHaveLength(1);
  });

  it('when a cohort is exported as CSV, then one safe row per message comes back with a BOM', async () => {
    const f = await createFamily(api.service.context.pool);
    await insertMessages(api.service.context.pool, [{ from: f.parent, to: [f.teacher], roomId: null, at: inWindow(20), ...text('=HYPERLINK("x")') }]);
    const response = await post('/api/aggregate-messages/export?format=csv', {
      user_ids: [f.parent], start_time: windowStart.toISOString(), end_time: windowEnd.toISOString(),
    }).expect(200);
    expect(response.headers['content-type']).toContain('text/csv');
    const lines = response.text.replace('\uFEFF', '').trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`'=HYPERLINK(""x"")`);
    const txt = await post('/api/aggregate-messages/export?format=txt', { user_ids: [f.parent], start_time: windowStart.toISOString(), end_time: windowEnd.toISOString() }).expect(200);
    expect(txt.text).toContain(`用户: ${f.studentName}妈妈 (${f.parent})`);
  });

  it('when the parent communication summary is exported, then 1:1 and group messages are counted apart', async () => {
    const f = await createFamily(api.service.context.pool);
    await insertMessages(api.service.context.pool, [
      ...Array.from({ length: 3 }, (_, i) => ({ from: f.parent, to: [f.teacher], roomId: null, at: inWindow(1 + i), ...text('私聊') })),
      ...Array.from({ length: 2 }, (_, i) => ({ from: f.parent, to: [f.teacher], roomId: f.room, at: inWindow(5 + i), msgtype: 'image', payload: {} })),
    ]);
    const response = await get('/api/exports/parent-comm-summary.csv?min_messages=5&role=parent').expect(200);
    const header = response.text.replace('\uFEFF', '').split('\r\n')[0]!.split(',');
    const row = response.text.split('\r\n').find((line) => line.startsWith(f.parent))!.split(',');
    const cell = (name: string) => row[header.indexOf(name)];
    expect([cell('total_messages'), cell('text_messages'), cell('direct_messages'), cell('group_messages')]).toEqual(['5', '3', '3', '2']);
    expect(cell('student_name')).toBe(f.studentName);
    expect(cell('first_msg_time')).toBe('2025-11-01 10:00:00');
  });

  it.each([
    ['user_ids', {}],
    ['user_ids', { user_ids: [] }],
    ['max_messages_per_user', { user_ids: ['x'], max_messages_per_user: 100000 }],
    ['end_time', { user_ids: ['x'], start_time: '2025-12-01T00:00:00+08:00', end_time: '2025-11-01T00:00:00+08:00' }],
  ])('when %s is bad in an aggregation, then 400 names it', async (field, body) => {
    const response = await post('/api/aggregate-messages', body);
    expect(response.status).toBe(400);
    expect(response.body.message).toContain(field);
  });

  it('when filter options are read, then sections, levels and classes come with their links', async () => {
    const f = await createFamily(api.service.context.pool);
    const body = (await get('/api/filter-options').expect(200)).body;
    expect(body.sections.map((s: { name: string }) => s.name)).toEqual(['一段', '二段', '三段']);
    expect(body.classes).toContainEqual(expect.objectContaining({ id: f.classId, roomId: f.room }));
  });
});
