import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '@doitcrm/kit/testing';
import { createDashboardApp } from '../src/app.ts';
import { dashboardConfigShape } from '../src/config.ts';
import type { ClassDetails, ClassStats, ClassStatsList, Overview } from '../src/contract.ts';
import { refreshRollups } from '../src/domain/refresh-rollups.ts';
import { bj, createClass, daysAgo, insertMessages, type ClassFixture } from './fixtures.ts';

const t = useTestApp('dashboard', dashboardConfigShape, createDashboardApp, { roles: ['viewer'] });
const timezone = 'Asia/Shanghai';

const get = (url: string) => supertest(t.app).get(url).set('Cookie', t.cookies.viewer);
const refreshAll = () => refreshRollups(t.context.pool, { full: true }, { timezone });

async function statsOf(cls: ClassFixture, query: string): Promise<ClassStats> {
  const response = await get(`/api/class-stats?${query}&search=${encodeURIComponent(cls.className)}`);
  expect(response.status).toBe(200);
  const body = response.body as ClassStatsList;
  expect(body.items).toHaveLength(1);
  return body.items[0]!;
}

describe('class numbers against hand-computed fixtures', () => {
  it('when parents speak in the group, 1:1 to a class teacher, 1:1 to other staff and in another group, then only the first two are active', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读', '在读', '在读', '在读']);
    const other = await createClass(pool, ['在读']);
    const [inGroup, toTeacher, toOtherStaff, elsewhere] = cls.parents as [string, string, string, string];
    await insertMessages(pool, [
      { from: inGroup, roomId: cls.roomId, at: bj('2026-05-10 10:00:00') },
      { from: toTeacher, to: [cls.headTeacherId], at: bj('2026-05-11 10:00:00') },
      { from: toOtherStaff, to: [other.teacherId], at: bj('2026-05-11 11:00:00') },
      { from: elsewhere, roomId: other.roomId, at: bj('2026-05-12 11:00:00') },
      { from: cls.teacherId, roomId: cls.roomId, at: bj('2026-05-12 12:00:00') },
    ]);
    await refreshAll();

    const stats = await statsOf(cls, 'from=2026-05-01&to=2026-05-31');

    expect(stats).toMatchObject({
      parents: 4, activeParents: 2, activityRate: 50, heatBand: 'mid', messages: 3, parentMessages: 2,
      teacher: expect.stringContaining('王老师'), headTeacher: expect.stringContaining('李班主任'), sectionName: '一段', levelName: 'L1',
      students: { total: 4, enrolled: 4, paused: 0, refunded: 0 },
    });
  });

  it('when messages fall at 23:59:59 and 00:00:00 Beijing time, then each counts on its own Beijing day', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读', '在读']);
    await insertMessages(pool, [
      { from: cls.parents[0]!, roomId: cls.roomId, at: bj('2026-06-01 23:59:59') },
      { from: cls.parents[1]!, roomId: cls.roomId, at: bj('2026-06-02 00:00:00') },
    ]);
    await refreshAll();

    const first = await statsOf(cls, 'from=2026-06-01&to=2026-06-01');
    const second = await statsOf(cls, 'from=2026-06-02&to=2026-06-02');
    const both = await statsOf(cls, 'from=2026-06-01&to=2026-06-02');

    expect([first.messages, first.activeParents]).toEqual([1, 1]);
    expect([second.messages, second.activeParents]).toEqual([1, 1]);
    expect([both.messages, both.activeParents, both.activityRate]).toEqual([2, 2, 100]);
  });

  it('when parents wait for replies in the group and 1:1, then the median counts answered waits and the unanswered are counted apart', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读', '在读']);
    const [p0, p1] = cls.parents as [string, string];
    await insertMessages(pool, [
      // wait 1: 30 minutes
      { from: p0, roomId: cls.roomId, at: bj('2026-07-01 10:00:00') },
      { from: cls.teacherId, roomId: cls.roomId, at: bj('2026-07-01 10:30:00') },
      // wait 2: two parent messages are one wait, 60 minutes from the first
      { from: p0, roomId: cls.roomId, at: bj('2026-07-01 14:00:00') },
      { from: p1, roomId: cls.roomId, at: bj('2026-07-01 14:05:00') },
      { from: cls.headTeacherId, roomId: cls.roomId, at: bj('2026-07-01 15:00:00') },
      // wait 3: 1:1 to the teacher, 120 minutes
      { from: p1, to: [cls.teacherId], at: bj('2026-07-02 09:00:00') },
      { from: cls.teacherId, to: [p1], at: bj('2026-07-02 11:00:00') },
      // wait 4: 1:1 never answered
      { from: p0, to: [cls.headTeacherId], at: bj('2026-07-03 09:00:00') },
    ]);
    await refreshAll();

    const response = await get(`/api/class-details/${cls.classId}?from=2026-07-01&to=2026-07-31`);

    expect(response.status).toBe(200);
    const details = response.body as ClassDetails;
    expect(details.responses).toMatchObject({ waits: 4, answered: 3, unanswered: 1, medianMinutes: 60 });
    const byTeacher = Object.fromEntries(details.teachers.map((t) => [t.teacherId, t]));
    expect(byTeacher[cls.teacherId]).toMatchObject({ waits: 2, answered: 2, medianMinutes: 75 });
    expect(byTeacher[cls.headTeacherId]).toMatchObject({ waits: 2, answered: 1, unanswered: 1, medianMinutes: 60 });
  });

  it('when staff of the mapping who teach no class answer, a relative outside the mapping speaks, and a parent writes again 13 hours later, then the waits follow the definition', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读', '在读']);
    const [p0, p1] = cls.parents as [string, string];
    // an advisor on the staff list whose WeCom account is another corp's (an external id, no role in the mapping)
    const advisor = `wo${cls.classId}advisor`;
    const { rows: [identity] } = await pool.query<{ id: number }>(
      "INSERT INTO crm.identities (id_type, original_id, id_kind) VALUES ('user_id', $1, 'external_wecom') RETURNING id", [advisor]);
    await pool.query("INSERT INTO crm.staff (name, identity_id, role) VALUES ('顾问', $1, 'advisor')", [identity!.id]);
    await insertMessages(pool, [
      // wait 1: 10:00, the advisor answers at 10:20 (20 minutes)
      { from: p0, roomId: cls.roomId, at: bj('2026-10-01 10:00:00') },
      { from: advisor, roomId: cls.roomId, at: bj('2026-10-01 10:20:00') },
      // wait 2: 11:00; a grandparent nobody mapped speaks at 11:30 (not staff); p1 at 12:00 joins the wait
      { from: p1, roomId: cls.roomId, at: bj('2026-10-01 11:00:00') },
      { from: 'wmGrandma-not-mapped', roomId: cls.roomId, at: bj('2026-10-01 11:30:00') },
      { from: p0, roomId: cls.roomId, at: bj('2026-10-01 12:00:00') },
      // wait 3: p1 writes again 13 hours after the last parent message, a new wait; the teacher answers both at 01:30
      { from: p1, roomId: cls.roomId, at: bj('2026-10-02 01:00:00') },
      { from: cls.teacherId, roomId: cls.roomId, at: bj('2026-10-02 01:30:00') },
    ]);
    await refreshAll();

    const details = (await get(`/api/class-details/${cls.classId}?from=2026-10-01&to=2026-10-02`)).body as ClassDetails;
    const stats = await statsOf(cls, 'from=2026-10-01&to=2026-10-02');

    // waits of 20, 870 (11:00 → 01:30) and 30 minutes: median 30
    expect(details.responses).toMatchObject({ waits: 3, answered: 3, unanswered: 0, medianMinutes: 30 });
    expect(stats.medianResponseMinutes).toBe(30);
  });

  it('when more replies arrive and the rollups are refreshed, then the class list\'s median follows them (it is kept only until a refresh)', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读']);
    const [p0] = cls.parents as [string];
    await insertMessages(pool, [
      { from: p0, roomId: cls.roomId, at: bj('2026-06-20 10:00:00') },
      { from: cls.teacherId, roomId: cls.roomId, at: bj('2026-06-20 11:00:00') },
    ]);
    await refreshAll();
    expect((await statsOf(cls, 'from=2026-06-20&to=2026-06-21')).medianResponseMinutes).toBe(60);
    expect((await statsOf(cls, 'from=2026-06-20&to=2026-06-21')).medianResponseMinutes).toBe(60);

    // two quick answers the next day: waits of 60, 10 and 10 minutes, median 10
    await insertMessages(pool, [
      { from: p0, roomId: cls.roomId, at: bj('2026-06-21 09:00:00') },
      { from: cls.teacherId, roomId: cls.roomId, at: bj('2026-06-21 09:10:00') },
      { from: p0, roomId: cls.roomId, at: bj('2026-06-21 15:00:00') },
      { from: cls.teacherId, roomId: cls.roomId, at: bj('2026-06-21 15:10:00') },
    ]);
    await refreshAll();

    expect((await statsOf(cls, 'from=2026-06-20&to=2026-06-21')).medianResponseMinutes).toBe(10);
  });

  it('when a class detail is read, then every student has every guardian with counts, last contact and a link to their messages on :5006', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读', '休学']);
    await insertMessages(pool, [
      { from: cls.parents[0]!, roomId: cls.roomId, at: bj('2026-08-05 10:00:00') },
      { from: cls.parents[0]!, to: [cls.teacherId], at: bj('2026-08-06 10:00:00') },
      { from: cls.teacherId, to: [cls.parents[0]!], at: bj('2026-08-06 09:00:00') },
    ]);
    await refreshAll();

    const response = await get(`/api/class-details/${cls.classId}?from=2026-08-01&to=2026-08-10`).set('Host', 'school.example:5011');

    const details = response.body as ClassDetails;
    expect(details.students.map((s) => s.status)).toEqual(['在读', '休学']);
    const guardian = details.students[0]!.guardians[0]!;
    expect(guardian).toMatchObject({ parentId: cls.parents[0], groupMessages: 1, directMessages: 1, staffReplies: 1, lastContactAt: bj('2026-08-06 10:00:00').toISOString() });
    expect(guardian.messagesUrl).toBe(`http://school.example:5006/?user=${cls.parents[0]}`);
    expect(details.class.roomUrl).toBe(`http://school.example:5006/?room=${cls.roomId}`);
    expect(details.daily).toHaveLength(10);
    expect(details.daily.find((d) => d.day === '2026-08-05')).toMatchObject({ messages: 1, parentMessages: 1, activeParents: 1 });
    expect(details.class.attentionReasons).toContain('1 名学员休学/退费');
  });

  it('when a class has one quiet family, one silent father beside a mother who writes and one refund in six, then it is not flagged; when most families are silent and a fifth left, then it is', async () => {
    const { pool } = t.context;
    const calm = await createClass(pool, ['在读', '在读', '在读', '在读', '在读', '已退费']);
    const quiet = await createClass(pool, ['在读', '在读', '在读', '在读', '休学']);
    const father = `wmFather${calm.classId}`;
    const { rows: [identity] } = await pool.query<{ id: number }>(
      "INSERT INTO crm.identities (id_type, original_id, id_kind, user_role) VALUES ('user_id', $1, 'external_wechat', 'parent') RETURNING id", [father]);
    await pool.query("INSERT INTO crm.guardianships (identity_id, student_id, relation, is_primary) VALUES ($1, $2, 'father', false)", [identity!.id, calm.students[0]]);
    await insertMessages(pool, [
      ...[0, 1, 2, 3].map((i) => ({ from: calm.parents[i]!, roomId: calm.roomId, at: daysAgo(2, i) })),
      { from: quiet.parents[0]!, roomId: quiet.roomId, at: daysAgo(3) },
      // heard from, but 31 days ago: silent
      { from: quiet.parents[1]!, roomId: quiet.roomId, at: daysAgo(31) },
    ]);
    await refreshAll();

    const calmStats = await statsOf(calm, 'days=30');
    const quietStats = await statsOf(quiet, 'days=30');

    // calm: the father and the fifth family are silent parents (listed as alerts), but only 1 of 5 families is silent
    expect(calmStats).toMatchObject({ silentParents: 2, silentFamilies: 1, churnRiskStudents: 1, activityRate: 57, attentionReasons: [] });
    expect(quietStats).toMatchObject({ silentParents: 3, silentFamilies: 3, churnRiskStudents: 1, activityRate: 20 });
    expect(quietStats.attentionReasons).toEqual(['3/4 户在读家庭超过 30 天未沟通', '1 名学员休学/退费']);
  });

  it('when the class list is filtered by 段 and by 阶, then only classes of that 段 / 阶 are listed', async () => {
    const { pool } = t.context;
    const l1 = await createClass(pool, ['在读']);
    const l4 = await createClass(pool, ['在读'], { levelCode: 'level_4' });
    await refreshAll();
    const { rows: [ids] } = await pool.query(
      "SELECT (SELECT id FROM crm.levels WHERE code = 'level_4') AS level4, (SELECT section_id FROM crm.levels WHERE code = 'level_4') AS section2");

    const bySection = (await get(`/api/class-stats?sectionId=${ids.section2}`)).body as ClassStatsList;
    const byLevel = (await get(`/api/class-stats?levelId=${ids.level4}`)).body as ClassStatsList;
    const originalNames = (await get(`/api/class-stats?section_id=${ids.section2}`)).body as ClassStatsList;

    expect(bySection.items.map((c) => c.classId)).toContain(l4.classId);
    expect(bySection.items.map((c) => c.classId)).not.toContain(l1.classId);
    expect(bySection.items.every((c) => c.sectionName === '二段')).toBe(true);
    expect(byLevel.items.every((c) => c.levelName === 'L4')).toBe(true);
    expect(originalNames.items.map((c) => c.classId)).toEqual(bySection.items.map((c) => c.classId));
  });

  it('when the overview is asked for a window, then it compares with the window of equal length before it', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读', '休学', '已退费']);
    await insertMessages(pool, [
      { from: cls.parents[0]!, roomId: cls.roomId, at: bj('2026-09-08 10:00:00') },
      { from: cls.parents[1]!, roomId: cls.roomId, at: bj('2026-09-01 10:00:00') },
      { from: cls.parents[2]!, roomId: cls.roomId, at: bj('2026-09-02 10:00:00') },
    ]);
    await refreshAll();

    const response = await get('/api/overview-stats?from=2026-09-08&to=2026-09-14');

    const overview = response.body as Overview;
    expect(overview.window).toEqual({ from: '2026-09-08', to: '2026-09-14', days: 7 });
    expect(overview.previousWindow).toEqual({ from: '2026-09-01', to: '2026-09-07', days: 7 });
    expect(overview.current.activeParents).toBe(1);
    expect(overview.previous?.activeParents).toBe(2);
    expect(overview.students.paused).toBeGreaterThanOrEqual(1);
    expect(overview.engagementDefinition).toContain('活跃');
  });
  it('when the window before starts before the first day of the archive, then there is no previous (无上期数据), not a fake increase', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读']);
    // the earliest class message of this database: no other test writes before 2026
    await insertMessages(pool, [
      { from: cls.parents[0]!, roomId: cls.roomId, at: bj('2001-03-10 10:00:00') },
      { from: cls.parents[0]!, roomId: cls.roomId, at: bj('2001-03-20 10:00:00') },
    ]);
    await refreshAll();

    const firstWeek = (await get('/api/overview-stats?from=2001-03-10&to=2001-03-16')).body as Overview;
    const secondWeek = (await get('/api/overview-stats?from=2001-03-17&to=2001-03-23')).body as Overview;

    expect(firstWeek.dataSince).toBe('2001-03-10');
    expect(firstWeek.previousWindow).toEqual({ from: '2001-03-03', to: '2001-03-09', days: 7 });
    expect(firstWeek.previous).toBeNull();
    expect(firstWeek.current.activeParents).toBe(1);
    // a window before that lies wholly inside the archive is compared as before, even when it starts on its first day
    expect(secondWeek.previous).toMatchObject({ activeParents: 1, messages: 1 });
  });
});

describe('API guards', () => {
  it.each([
    '/api/overview-stats', '/api/hierarchy-tree', '/api/class-stats', '/api/class-details/1', '/api/alerts', '/api/trends', '/api/heatmap',
    '/api/settings', '/api/exports/class-report.csv', '/api/exports/alerts.xlsx',
  ])('when %s is called without a session, then 401', async (url) => {
    expect((await supertest(t.app).get(url)).status).toBe(401);
  });

  it.each([
    ['/api/class-stats?days=0', 'days'], ['/api/class-stats?from=2026-01-05', 'to'], ['/api/class-stats?from=2026-02-01&to=2026-01-01', 'to'],
    ['/api/class-stats?sort=password', 'sort'], ['/api/class-stats?levelId=abc', 'levelId'], ['/api/class-details/x', 'classId'],
    ['/api/alerts?kind=other', 'kind'], ['/api/trends?weeks=99', 'weeks'], ['/api/overview-stats?days=abc', 'days'],
  ])('when %s is asked, then 400 names %s', async (url, field) => {
    const response = await get(url);
    expect(response.status).toBe(400);
    expect(response.body.message).toContain(field);
  });

  it('when an unknown class is asked for, then 404', async () => {
    expect((await get('/api/class-details/2000000000')).status).toBe(404);
  });

  it('when a viewer changes settings, then 403', async () => {
    expect((await supertest(t.app).put('/api/settings').set('Cookie', t.cookies.viewer).send({})).status).toBe(403);
  });
});
