import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { uniqueSuffix } from '@doitcrm/kit/testing';
import type { ClassDetail, RosterStudent, SectionNode } from '../src/contract.ts';
import { commit, freshMatrix, preview, useRosterApp } from './roster-harness.ts';

const t = useRosterApp();

const db = () => t.service.context.pool;
const get = (url: string, cookie = t.cookies.staff) => supertest(t.app).get(url).set('Cookie', cookie);
const patch = (url: string, body: object, cookie = t.cookies.staff) => supertest(t.app).patch(url).set('Cookie', cookie).send(body);
const post = (url: string, body: object, cookie = t.cookies.staff) => supertest(t.app).post(url).set('Cookie', cookie).send(body);

/** Two fresh classes in L2 with the given pupils, committed through the import; their ids and pupils. */
async function classesWith(pupils: string[][]): Promise<Array<{ id: number; students: RosterStudent[] }>> {
  const matrix = freshMatrix(pupils.map((p) => ({ pupils: p })));
  await commit(t, await preview(t, matrix.csv));
  const ids = (await db().query('SELECT id FROM crm.classes WHERE room_id = ANY($1) ORDER BY room_id', [matrix.rooms])).rows.map((r) => r.id as number);
  return Promise.all(ids.map(async (id) => ({ id, students: (await get(`/api/classes/${id}/students`)).body as RosterStudent[] })));
}

async function lastEvent(): Promise<{ reason: string; classIds: number[]; studentIds: number[] }> {
  const { rows } = await db().query("SELECT envelope FROM ops.outbox WHERE routing_key = 'roster.changed' ORDER BY created_at DESC LIMIT 1");
  return rows[0].envelope.payload;
}

describe('roster editing API', () => {
  it.each([
    ['get', '/api/hierarchy'], ['get', '/api/classes/1'], ['get', '/api/classes/1/students'], ['post', '/api/classes'], ['patch', '/api/classes/1'],
    ['patch', '/api/students/1'], ['post', '/api/students/1/move'], ['get', '/api/export/classes.csv'], ['get', '/api/export/students.csv'],
  ] as const)('when %s %s is called without a session, then 401', async (method, url) => {
    expect((await supertest(t.app)[method](url)).status).toBe(401);
  });

  it('when the hierarchy is read, then sections hold levels in order and a committed class sits under its level with its pupil count', async () => {
    const [created] = await classesWith([['甲一', '甲二']]);
    const response = await get('/api/hierarchy', t.cookies.viewer);
    expect(response.status).toBe(200);
    const sections = response.body as SectionNode[];
    expect(sections.map((s) => s.name)).toEqual(['一段', '二段', '三段']);
    expect(sections[0]!.levels.map((l) => l.name)).toEqual(['L1', 'L2', 'L3']);
    expect(sections[0]!.levels[1]!.classes.find((c) => c.id === created!.id)).toMatchObject({ studentCount: 2, isActive: true });
  });

  it('when a viewer asks for a class\'s pupils, then 403; staff see them with masked ID numbers', async () => {
    const [created] = await classesWith([['乙一']]);
    expect((await get(`/api/classes/${created!.id}/students`, t.cookies.viewer)).status).toBe(403);
    expect(created!.students).toEqual([expect.objectContaining({ name: '乙一', status: '在读', enrolmentStatus: '在读', nationalIdMasked: null })]);
  });

  it('when a class is created, renamed and deactivated, then each write is audited, announced and the hierarchy hides it', async () => {
    const name = `新建${uniqueSuffix()}班`;
    const level = (await db().query("SELECT id FROM crm.levels WHERE name = 'L6'")).rows[0].id;
    const created = await post('/api/classes', { name, levelId: level, startTime: '周六 9:00' });
    expect(created.status).toBe(201);
    const id = (created.body as ClassDetail).id;
    expect(created.body).toMatchObject({ name, levelName: 'L6', sectionName: '三段', startTime: '周六 9:00' });

    const renamed = await patch(`/api/classes/${id}`, { name: `${name}改` });
    expect(renamed.body.name).toBe(`${name}改`);
    expect((await patch(`/api/classes/${id}`, { isActive: false })).body.isActive).toBe(false);

    const actions = (await db().query("SELECT action FROM auth.audit_log WHERE target_type = 'class' AND target_id = $1 ORDER BY id", [String(id)])).rows.map((r) => r.action);
    expect(actions).toEqual(['roster.class.create', 'roster.class.update', 'roster.class.deactivate']);
    expect(await lastEvent()).toMatchObject({ reason: 'edit', classIds: [id] });
    const hierarchy = (await get('/api/hierarchy')).body as SectionNode[];
    expect(hierarchy.flatMap((s) => s.levels.flatMap((l) => l.classes)).some((c) => c.id === id)).toBe(false);
    const withInactive = (await get('/api/hierarchy?includeInactive=true')).body as SectionNode[];
    expect(withInactive.flatMap((s) => s.levels.flatMap((l) => l.classes)).some((c) => c.id === id)).toBe(true);
  });

  it('when a class is given a group already used by another class, then 409 names roomId', async () => {
    const [a, b] = await classesWith([['丙一'], ['丙二']]);
    const roomOfA = (await get(`/api/classes/${a!.id}`)).body.roomId;
    const response = await patch(`/api/classes/${b!.id}`, { roomId: roomOfA });
    expect(response.status).toBe(409);
    expect(response.body.details[0].field).toBe('roomId');
  });

  it('when bad class input is sent, then 400 names each field', async () => {
    const response = await post('/api/classes', { name: '', levelId: 'x' });
    expect(response.status).toBe(400);
    expect(response.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['levelId', 'name']);
    expect((await patch('/api/classes/1', {})).status).toBe(400);
  });

  it('when a pupil\'s status is set in a class, then student and enrolment change, audited with before and after', async () => {
    const [cls] = await classesWith([['丁一']]);
    const student = cls!.students[0]!;
    expect((await patch(`/api/students/${student.id}`, { status: '已退费', classId: cls!.id })).status).toBe(204);
    const pupils = (await get(`/api/classes/${cls!.id}/students`)).body as RosterStudent[];
    expect(pupils[0]).toMatchObject({ status: '已退费', enrolmentStatus: '已退费' });
    const audit = await db().query("SELECT details FROM auth.audit_log WHERE action = 'roster.student.update' AND target_id = $1", [String(student.id)]);
    expect(audit.rows[0].details.before.status).toBe('在读');
    expect(audit.rows[0].details.after.status).toBe('已退费');
    expect(await lastEvent()).toMatchObject({ reason: 'edit', studentIds: [student.id] });
  });

  it('when a pupil is moved to another class, then the enrolment moves; moving where they already are is 409', async () => {
    const [from, to] = await classesWith([['戊一', '戊二'], ['戊二']]);
    const pupil = from!.students.find((s) => s.name === '戊一')!;
    expect((await post(`/api/students/${pupil.id}/move`, { fromClassId: from!.id, toClassId: to!.id })).status).toBe(204);
    const names = ((await get(`/api/classes/${to!.id}/students`)).body as RosterStudent[]).map((s) => s.name);
    expect(names).toEqual(['戊一', '戊二']);
    const twin = from!.students.find((s) => s.name === '戊二')!;
    const clash = await post(`/api/students/${twin.id}/move`, { fromClassId: from!.id, toClassId: to!.id });
    expect(clash.status).toBe(409);
    expect(clash.body.details[0].field).toBe('toClassId');
    expect((await post(`/api/students/${pupil.id}/move`, { fromClassId: to!.id, toClassId: to!.id })).status).toBe(400);
  });

  it('when two records of one child are merged and then split again, then enrolments follow', async () => {
    const [a, b] = await classesWith([['己一'], ['己一']]);
    const one = a!.students[0]!;
    const two = b!.students[0]!;
    expect(one.id).toBe(two.id);
    const split = await post(`/api/students/${one.id}/split`, { classId: b!.id });
    expect(split.status).toBe(201);
    const other = split.body.studentId as number;
    expect(((await get(`/api/classes/${b!.id}/students`)).body as RosterStudent[])[0]!.id).toBe(other);
    const namesakes = await get(`/api/students/${other}/namesakes`);
    expect(namesakes.body).toEqual([expect.objectContaining({ id: one.id, name: '己一', classes: [expect.any(String)] })]);
    expect((await get(`/api/students/${other}/namesakes`, t.cookies.viewer)).status).toBe(403);
    expect((await post(`/api/students/${other}/merge`, { intoStudentId: one.id })).status).toBe(204);
    expect(((await get(`/api/classes/${b!.id}/students`)).body as RosterStudent[])[0]!.id).toBe(one.id);
    expect((await db().query('SELECT 1 FROM crm.students WHERE id = $1', [other])).rowCount).toBe(0);
  });
});

describe('roster exports', () => {
  it('when a class and a pupil carry formula-like names, then the CSVs are UTF-8 with BOM and the cells are neutralised', async () => {
    const { csv, rooms } = freshMatrix([{ pupils: ['=cmd|\' /C calc\'!A0', '@SUM'], teacher: '+老师' }]);
    await commit(t, await preview(t, csv));
    await db().query("UPDATE crm.classes SET name = '=HYPERLINK(\"http://x\")' WHERE room_id = $1", [rooms[0]]);

    const students = await get('/api/export/students.csv');
    const classes = await get('/api/export/classes.csv', t.cookies.viewer);
    const matrix = await get('/api/export/matrix.csv');

    for (const response of [students, classes, matrix]) {
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toContain('text/csv');
      expect(response.text.charCodeAt(0)).toBe(0xfeff);
      expect(response.text).not.toMatch(/(^|,)[=+@]/mu);
    }
    expect(students.text).toContain("'=cmd");
    expect(students.text).toContain("'@SUM,");
    expect(classes.text).toContain('"\'=HYPERLINK(""http://x"")"');
    expect(classes.text).toContain("'+老师");
    expect((await get('/api/export/students.csv', t.cookies.viewer)).status).toBe(403);
    expect((await db().query("SELECT 1 FROM auth.audit_log WHERE action = 'roster.export.students'")).rowCount).toBeGreaterThan(0);
  });
});
