import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '@doitcrm/kit/testing';
import { loadDemoSchool } from '@doitcrm/demo-data';
import { createMapperApp } from '../src/app.ts';
import { mapperConfigShape } from '../src/config.ts';
import type { UserMapping } from '../src/contract.ts';
import { extractIds } from '../src/domain/extract-ids.ts';
import { insertMessages, nextRunId, testIds } from './chat-factory.ts';

const t = useTestApp('mapper', mapperConfigShape, createMapperApp, {
  roles: ['staff', 'viewer'],
  prepare: loadDemoSchool,
});

const get = (url: string, cookie = t.cookies.staff) => supertest(t.app).get(url).set('Cookie', cookie);
const put = (url: string, body: object, cookie = t.cookies.staff) => supertest(t.app).put(url).set('Cookie', cookie).send(body);

// Each call takes the next rows in a fixed order (the demo school is generated from a fixed seed): a failure
// reproduces on the next run, and no two tests of this file edit the same parent or student.
const parentsTaken: string[] = [];
async function unmappedParentId(): Promise<string> {
  const { rows } = await t.context.pool.query(
    `SELECT original_id FROM crm.identities WHERE id_kind = 'external_wechat' AND user_role IS NULL AND original_id <> ALL($1::text[])
     ORDER BY original_id LIMIT 1`,
    [parentsTaken]);
  parentsTaken.push(rows[0].original_id);
  return rows[0].original_id;
}

let studentsTaken = 0;
async function twoStudents(): Promise<Array<{ id: number; name: string }>> {
  const { rows } = await t.context.pool.query('SELECT id, name FROM crm.students ORDER BY id LIMIT 2 OFFSET $1', [studentsTaken]);
  studentsTaken += 2;
  return rows;
}

describe('mapper API', () => {
  it.each([
    ['get', '/api/stats'], ['get', '/api/mappings/user_id'], ['put', '/api/mappings/user_id/x'], ['post', '/api/mappings/bulk'],
    ['get', '/api/mappings.csv?idType=user_id'], ['get', '/api/classes'], ['put', '/api/classes/1/room'], ['get', '/api/students'],
    ['get', '/api/user-groups/x'], ['post', '/api/extract'],
  ] as const)('when %s %s is called without a session, then 401', async (method, url) => {
    expect((await supertest(t.app)[method](url)).status).toBe(401);
  });

  it('when users are listed page by page, then pages do not overlap, cover every row and agree with the total', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    let total = 0;
    do {
      const response = await get(`/api/mappings/user_id?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      total = response.body.total;
      for (const item of response.body.items as UserMapping[]) {
        expect(seen.has(item.originalId)).toBe(false);
        seen.add(item.originalId);
      }
      cursor = response.body.nextCursor;
    } while (cursor);

    expect(seen.size).toBe(total);
    expect(total).toBeGreaterThan(2000);
  });

  it('when filtered by state and role, then every row obeys the one definition of mapped', async () => {
    const unmapped = await get('/api/mappings/user_id?state=unmapped&limit=200');
    const parents = await get('/api/mappings/user_id?state=mapped&role=parent&limit=200');

    expect(unmapped.body.items.every((item: UserMapping) => item.state === 'unmapped')).toBe(true);
    expect(parents.body.items.length).toBeGreaterThan(0);
    for (const item of parents.body.items as UserMapping[]) {
      expect(item.businessName).toBeTruthy();
      expect(item.userRole).toBe('parent');
      expect(item.students.length).toBeGreaterThan(0);
    }
  });

  it('when searched by a child\'s name, then the child\'s parents are found', async () => {
    const { rows } = await t.context.pool.query(
      'SELECT s.name, i.original_id FROM crm.guardianships g JOIN crm.students s ON s.id = g.student_id JOIN crm.identities i ON i.id = g.identity_id LIMIT 1');

    const response = await get(`/api/mappings/user_id?keyword=${encodeURIComponent(rows[0].name)}`);

    expect(response.body.items.map((item: UserMapping) => item.originalId)).toContain(rows[0].original_id);
  });

  it('when filtered by a date window and a group, then only ids active there then are listed, with their counts', async () => {
    const ids = testIds();
    const runId = nextRunId();
    await insertMessages(t.context.pool, [
      { from: ids.parent, to: [ids.teacher, ids.silentParent], roomId: ids.room, at: new Date('2024-02-10T02:00:00Z'), runId },
      { from: ids.teacher, to: [ids.parent, ids.silentParent], roomId: ids.room, at: new Date('2024-02-11T02:00:00Z'), runId },
    ]);
    await extractIds(t.context.pool, { runId }, { timezone: 'Asia/Shanghai' });

    const inWindow = await get(`/api/mappings/user_id?from=2024-02-10&to=2024-02-10&room=${ids.room}`);
    const outside = await get(`/api/mappings/user_id?from=2024-03-01&room=${ids.room}`);

    const listed = inWindow.body.items as UserMapping[];
    expect(listed.map((item) => item.originalId).sort()).toEqual([ids.parent, ids.silentParent, ids.teacher].sort());
    expect(listed.find((item) => item.originalId === ids.parent)).toMatchObject({ sent: 1, received: 0, lastRoom: { roomId: ids.room } });
    expect(outside.body.items).toEqual([]);
  });

  it.each([
    ['/api/mappings/user_id?limit=0', 'limit'], ['/api/mappings/user_id?from=2024-13-45x', 'from'], ['/api/mappings/user_id?from=2024-05-02&to=2024-05-01', 'to'],
    ['/api/mappings/user_id?cursor=garbage', 'cursor'], ['/api/mappings/users', 'idType'], ['/api/mappings/user_id?role=boss', 'role'],
  ])('when %s is asked, then 400 names %s', async (url, field) => {
    const response = await get(url);

    expect(response.status).toBe(400);
    expect(response.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
  });

  it('when a parent is mapped to two students, then both are kept with their relations, one primary, and the change is audited and announced', async () => {
    const parent = await unmappedParentId();
    const [first, second] = await twoStudents();

    const response = await put(`/api/mappings/user_id/${parent}`, {
      businessName: `${first!.name}妈妈`, userRole: 'parent', notes: '周末才看消息',
      students: [{ studentId: first!.id, relation: 'mother', isPrimary: true }, { studentId: second!.id, relation: 'mother' }],
    });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ state: 'mapped', userRole: 'parent', notes: '周末才看消息' });
    expect(response.body.students.map((student: { studentId: number; isPrimary: boolean; relation: string }) => [student.studentId, student.isPrimary, student.relation]))
      .toEqual(expect.arrayContaining([[first!.id, true, 'mother'], [second!.id, false, 'mother']]));
    const { rows: audit } = await t.context.pool.query("SELECT details FROM auth.audit_log WHERE action = 'mapper.mapping.update' AND target_id = $1", [parent]);
    expect(audit).toHaveLength(1);
    const { rows: events } = await t.context.pool.query("SELECT envelope FROM ops.outbox WHERE envelope->>'type' = 'mapping.changed' AND envelope->'payload'->'originalIds' ? $1", [parent]);
    expect(events[0].envelope.payload.fields).toEqual(expect.arrayContaining(['businessName', 'userRole', 'notes', 'students']));
  });

  it('when a mapping is saved without notes, then its notes are kept; when the role leaves parent, then its students go', async () => {
    const parent = await unmappedParentId();
    const [student] = await twoStudents();
    await put(`/api/mappings/user_id/${parent}`, { userRole: 'parent', notes: '不要删我', students: [{ studentId: student!.id, relation: 'father' }] });

    const renamed = await put(`/api/mappings/user_id/${parent}`, { businessName: '新称呼' });
    const teacher = await put(`/api/mappings/user_id/${parent}`, { userRole: 'teacher' });

    expect(renamed.body).toMatchObject({ businessName: '新称呼', notes: '不要删我', students: [expect.objectContaining({ studentId: student!.id, isPrimary: true })] });
    expect(teacher.body).toMatchObject({ userRole: 'teacher', notes: '不要删我', students: [] });
  });

  it('when a change breaks a rule, then 400 names every bad field and nothing is saved', async () => {
    const parent = await unmappedParentId();

    const response = await put(`/api/mappings/user_id/${parent}`, {
      businessName: '不该保存', userRole: 'teacher', students: [{ studentId: 99_999_999, relation: 'mother' }],
    });

    expect(response.status).toBe(400);
    expect(response.body.details.map((detail: { field: string }) => detail.field)).toEqual(expect.arrayContaining(['students', 'students.0.studentId']));
    const { rows } = await t.context.pool.query('SELECT business_name FROM crm.identities WHERE original_id = $1', [parent]);
    expect(rows[0].business_name).toBeNull();
  });

  it('when rows are edited in bulk, then all change together; an unknown id fails the whole batch naming it', async () => {
    const a = await unmappedParentId();
    const b = await unmappedParentId();

    const ok = await supertest(t.app).post('/api/mappings/bulk').set('Cookie', t.cookies.staff).send({ idType: 'user_id', originalIds: [a, b], change: { notes: '批量备注' } });
    const bad = await supertest(t.app).post('/api/mappings/bulk').set('Cookie', t.cookies.staff).send({ idType: 'user_id', originalIds: [a, 'wmNOSUCHID'], change: { notes: '不会保存' } });

    expect(ok.status).toBe(200);
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('originalIds.1');
    const { rows } = await t.context.pool.query('SELECT notes FROM crm.identities WHERE original_id = ANY($1)', [[a, b]]);
    expect(rows.map((row) => row.notes)).toEqual(['批量备注', '批量备注']);
  });

  it('when a group already linked to a class is linked to another, then 409 names the owner; with force it moves', async () => {
    const { rows } = await t.context.pool.query('SELECT id, room_id FROM crm.classes WHERE room_id IS NOT NULL ORDER BY id LIMIT 2');
    const [owner, other] = rows;

    const conflict = await put(`/api/classes/${other.id}/room`, { roomId: owner.room_id });
    const forced = await put(`/api/classes/${other.id}/room`, { roomId: owner.room_id, force: true });

    expect(conflict.status).toBe(409);
    expect(conflict.body.details[0]).toMatchObject({ field: 'roomId' });
    expect(forced.status).toBe(200);
    expect(forced.body.roomId).toBe(owner.room_id);
    const { rows: after } = await t.context.pool.query('SELECT room_id FROM crm.classes WHERE id = $1', [owner.id]);
    expect(after[0].room_id).toBeNull();
  });

  it('when a viewer edits, then 403', async () => {
    expect((await put(`/api/mappings/user_id/${await unmappedParentId()}`, { notes: 'x' }, t.cookies.viewer)).status).toBe(403);
  });

  it('when mappings are exported, then the CSV opens in Excel and a formula-like nickname stays text', async () => {
    const parent = await unmappedParentId();
    await t.context.pool.query("UPDATE crm.identities SET wecom_nickname = '=HYPERLINK(\"http://x\")' WHERE original_id = $1", [parent]);

    const response = await get(`/api/mappings.csv?idType=user_id&keyword=${parent}`);

    expect(response.status).toBe(200);
    expect(response.text.startsWith('\uFEFF类型,企业微信 ID')).toBe(true);
    expect(response.text).toContain(`"'=HYPERLINK(""http://x"")"`);
  });

  it('when stats are asked, then counts add up', async () => {
    const response = await get('/api/stats');

    expect(response.body.users.total).toBe(response.body.users.mapped + response.body.users.unmapped);
    expect(response.body.rooms.linkedToClass).toBeGreaterThan(0);
  });

  it('when students and classes are searched, then they come with their classes and levels', async () => {
    const students = await get(`/api/students?keyword=${encodeURIComponent('王')}&limit=5`);
    const classes = await get('/api/classes');

    expect(students.body.items.length).toBeGreaterThan(0);
    expect(students.body.items[0].classes.length).toBeGreaterThan(0);
    expect(classes.body.items[0]).toMatchObject({ sectionName: '一段', levelName: 'L1' });
  });
});
