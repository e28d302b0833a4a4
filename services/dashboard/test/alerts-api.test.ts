import ExcelJS from 'exceljs';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { createTestUser, loginCookie, useTestApp } from '@doitcrm/kit/testing';
import { createDashboardApp } from '../src/app.ts';
import { dashboardConfigShape } from '../src/config.ts';
import type { Alert, AlertList } from '../src/contract.ts';
import { evaluateAlerts } from '../src/domain/evaluate-alerts.ts';
import { refreshRollups } from '../src/domain/refresh-rollups.ts';
import { createClass, daysAgo, insertMessages } from './fixtures.ts';

const t = useTestApp('dashboard', dashboardConfigShape, createDashboardApp, { roles: ['staff'] });
const timezone = 'Asia/Shanghai';

const get = (url: string) => supertest(t.app).get(url).set('Cookie', t.cookies.staff).set('Host', 'school.example:5011');
const post = (url: string, body: object = {}) => supertest(t.app).post(url).set('Cookie', t.cookies.staff).send(body);

async function refreshAndEvaluate() {
  await refreshRollups(t.context.pool, { full: true }, { timezone });
  return evaluateAlerts(t.context.pool, { timezone });
}

async function alertsOf(classId: number, state = 'all'): Promise<Alert[]> {
  const response = await get(`/api/alerts?classId=${classId}&state=${state}`);
  expect(response.status).toBe(200);
  return (response.body as AlertList).items;
}

describe('alerts', () => {
  it('when one enrolled parent was last heard 31 days ago and another 29, then only the first is silent (default 30 days)', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读', '在读', '在读']);
    await insertMessages(pool, [
      { from: cls.parents[0]!, roomId: cls.roomId, at: daysAgo(31) },
      { from: cls.parents[1]!, roomId: cls.roomId, at: daysAgo(29) },
      { from: cls.parents[2]!, to: [cls.teacherId], at: daysAgo(1) },
    ]);
    await refreshAndEvaluate();

    const silent = (await alertsOf(cls.classId)).filter((alert) => alert.kind === 'silent_parent');

    expect(silent.map((alert) => alert.evidence.parentId)).toEqual([cls.parents[0]]);
    expect(silent[0]!.messagesUrl).toBe(`http://school.example:5006/?user=${cls.parents[0]}`);
  });

  it('when a student is 休学, then the churn alert carries the guardian\'s real last contact from the chat log', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['休学']);
    const lastContact = daysAgo(12);
    await insertMessages(pool, [
      { from: cls.parents[0]!, roomId: cls.roomId, at: daysAgo(20) },
      { from: cls.teacherId, to: [cls.parents[0]!], at: lastContact },
    ]);
    await refreshAndEvaluate();

    const churn = (await alertsOf(cls.classId)).filter((alert) => alert.kind === 'churn_risk');

    expect(churn).toHaveLength(1);
    expect(churn[0]!.lastContactAt).toBe(lastContact.toISOString());
    expect(churn[0]!.evidence.status).toBe('休学');
  });

  it('when a student is 休学 in one class only, then only that class raises a churn alert', async () => {
    const { pool } = t.context;
    const paused = await createClass(pool, ['在读']);
    const stillThere = await createClass(pool, ['在读']);
    await pool.query('INSERT INTO crm.enrolments (student_id, class_id, status) VALUES ($1, $2, $3)', [paused.students[0], stillThere.classId, '在读']);
    await pool.query("UPDATE crm.enrolments SET status = '休学' WHERE student_id = $1 AND class_id = $2", [paused.students[0], paused.classId]);
    await refreshAndEvaluate();

    expect((await alertsOf(paused.classId)).filter((alert) => alert.kind === 'churn_risk')).toHaveLength(1);
    expect((await alertsOf(stillThere.classId)).filter((alert) => alert.kind === 'churn_risk')).toHaveLength(0);
  });

  it('when a parent writes a keyword, then a keyword alert links to that very message, and alert.raised is queued once', async () => {
    const { pool } = t.context;
    // an installation's first evaluation is a silent backfill: news start after it
    await evaluateAlerts(pool, { timezone });
    const cls = await createClass(pool, ['在读']);
    const [msgid] = await insertMessages(pool, [{ from: cls.parents[0]!, roomId: cls.roomId, at: daysAgo(2), content: '孩子不想上了，我们想退费' }]);
    await refreshAndEvaluate();
    await evaluateAlerts(pool, { timezone });

    const keyword = (await alertsOf(cls.classId)).find((alert) => alert.kind === 'keyword');

    expect(keyword).toMatchObject({ severity: 'critical', evidence: { keywords: ['退费'], msgid } });
    expect(keyword!.messagesUrl).toBe(`http://school.example:5006/?msg=${msgid}`);
    const { rows } = await pool.query("SELECT envelope FROM ops.outbox WHERE routing_key = 'alert.raised' AND envelope->'payload'->>'alertId' = $1", [String(keyword!.id)]);
    expect(rows).toHaveLength(1);
    expect(rows[0].envelope.payload).toMatchObject({ kind: 'keyword', classId: cls.classId, evidenceUrl: `/?msg=${msgid}` });
  });

  it('when the median reply is slower than the limit, then the class gets a slow-response alert', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读']);
    await insertMessages(pool, [
      { from: cls.parents[0]!, roomId: cls.roomId, at: daysAgo(3, 10) },
      { from: cls.teacherId, roomId: cls.roomId, at: daysAgo(3, 2) },
    ]);
    await refreshAndEvaluate();

    const slow = (await alertsOf(cls.classId)).filter((alert) => alert.kind === 'slow_response');

    expect(slow).toHaveLength(1);
    expect(slow[0]!.evidence).toMatchObject({ medianMinutes: 480, waits: 1, answered: 1 });
    expect(slow[0]!.messagesUrl).toBe(`http://school.example:5006/?room=${cls.roomId}`);
  });

  it('when an alert is acknowledged and another snoozed, then both leave the open list, and each change is audited', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读', '在读']);
    await refreshAndEvaluate();
    const [first, second] = await alertsOf(cls.classId, 'active') as [Alert, Alert];

    const acked = await post(`/api/alerts/${first.id}/ack`);
    const snoozed = await post(`/api/alerts/${second.id}/snooze`, { days: 7 });
    const badSnooze = await post(`/api/alerts/${second.id}/snooze`, { days: 0 });

    expect(acked.body.state).toBe('acknowledged');
    expect(snoozed.body.state).toBe('snoozed');
    expect(badSnooze.status).toBe(400);
    expect(badSnooze.body.message).toContain('days');
    expect(await alertsOf(cls.classId, 'active')).toHaveLength(0);
    await evaluateAlerts(pool, { timezone });
    expect(await alertsOf(cls.classId, 'active')).toHaveLength(0);
    expect((await alertsOf(cls.classId, 'acknowledged')).map((alert) => alert.id)).toEqual([first.id]);
    expect((await alertsOf(cls.classId, 'snoozed')).map((alert) => alert.id)).toEqual([second.id]);
    const level = await levelOf(cls.classId);
    const byLevel = (await get(`/api/alerts?levelId=${level}&state=all`)).body as AlertList;
    expect(byLevel.items.map((alert) => alert.id)).toEqual(expect.arrayContaining([first.id, second.id]));
    const { rows: levelClasses } = await pool.query<{ id: number }>('SELECT id FROM crm.classes WHERE level_id = $1', [level]);
    expect(byLevel.items.filter((alert) => !levelClasses.some((row) => row.id === alert.classId))).toEqual([]);
    const { rows } = await pool.query("SELECT action FROM auth.audit_log WHERE target_type = 'alert' AND target_id = ANY($1) ORDER BY id", [[String(first.id), String(second.id)]]);
    expect(rows.map((row) => row.action)).toEqual(['dashboard.alert.ack', 'dashboard.alert.snooze']);
  });

  it('when the list is paged and narrowed to a kind, then the pages keep one order (most severe, longest silent) and the counts cover every kind', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读', '在读', '休学', '已退费', '在读']);
    await insertMessages(pool, [
      { from: cls.parents[0]!, roomId: cls.roomId, at: daysAgo(40) },
      { from: cls.parents[4]!, roomId: cls.roomId, at: daysAgo(60) },
      { from: cls.parents[2]!, roomId: cls.roomId, at: daysAgo(10), content: '我要投诉' },
    ]);
    await refreshAndEvaluate();

    const whole = (await get(`/api/alerts?classId=${cls.classId}&limit=100`)).body as AlertList;
    const paged: Alert[] = [];
    for (let offset = 0; offset < whole.total; offset += 2) {
      paged.push(...((await get(`/api/alerts?classId=${cls.classId}&limit=2&offset=${offset}`)).body as AlertList).items);
    }
    const churn = (await get(`/api/alerts?classId=${cls.classId}&kind=churn_risk`)).body as AlertList;

    // critical first (已退费, the complaint), then the warnings from the longest silence: never heard, 60, 40, 10 days
    expect(whole.items.map((alert) => [alert.severity, alert.kind, alert.evidence.parentId])).toEqual([
      ['critical', 'churn_risk', cls.parents[3]],
      ['critical', 'keyword', cls.parents[2]],
      ['warning', 'silent_parent', cls.parents[1]],
      ['warning', 'silent_parent', cls.parents[4]],
      ['warning', 'silent_parent', cls.parents[0]],
      ['warning', 'churn_risk', cls.parents[2]],
    ]);
    expect(whole.counts).toEqual({ silent_parent: 3, churn_risk: 2, slow_response: 0, keyword: 1 });
    expect(whole.total).toBe(6);
    expect(paged.map((alert) => alert.id)).toEqual(whole.items.map((alert) => alert.id));
    expect(churn.items.map((alert) => alert.evidence.parentId)).toEqual([cls.parents[3], cls.parents[2]]);
    expect(churn.total).toBe(2);
    expect(churn.counts).toEqual(whole.counts);
  });

  it('when a silent parent speaks again, then the alert is resolved', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读']);
    await refreshAndEvaluate();
    expect((await alertsOf(cls.classId)).map((alert) => alert.kind)).toEqual(['silent_parent']);

    await insertMessages(pool, [{ from: cls.parents[0]!, roomId: cls.roomId, at: daysAgo(0, 1) }]);
    await refreshAndEvaluate();

    expect(await alertsOf(cls.classId)).toHaveLength(0);
    expect((await alertsOf(cls.classId, 'resolved')).map((alert) => alert.kind)).toEqual(['silent_parent']);
  });
});

describe('exports', () => {
  it('when the class report is downloaded as Excel and CSV, then a class named like a formula is plain text in both', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读']);
    await pool.query("UPDATE crm.classes SET name = '=HYPERLINK(\"http://x\")' WHERE id = $1", [cls.classId]);

    const xlsx = await get(`/api/exports/class-report.xlsx?levelId=${await levelOf(cls.classId)}`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    const csv = await get('/api/exports/class-report.csv');

    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as never);
    const sheet = workbook.getWorksheet('班级报告')!;
    const names = sheet.getColumn(3).values as unknown[];
    expect(names).toContain('\'=HYPERLINK("http://x")');
    expect(names.some((value) => typeof value === 'object' && value !== null && 'formula' in value)).toBe(false);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.startsWith('\uFEFF段,阶,班级')).toBe(true);
    expect(csv.text).toContain('"\'=HYPERLINK(""http://x"")"');
  });

  it('when one class\'s report is downloaded as Excel, then it holds the class and every student with their guardian', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读', '已退费']);
    await insertMessages(pool, [{ from: cls.parents[0]!, roomId: cls.roomId, at: daysAgo(1) }]);
    await refreshAndEvaluate();

    const xlsx = await get(`/api/exports/class-report.xlsx?days=7&classId=${cls.classId}`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-disposition']).toContain(encodeURIComponent(cls.className));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as never);
    expect(workbook.getWorksheet('班级报告')!.getRow(2).getCell(3).value).toBe(cls.className);
    const students = workbook.getWorksheet('学员家长')!;
    expect(students.rowCount).toBe(3);
    expect(students.getRow(2).values).toEqual(expect.arrayContaining([expect.stringContaining('学员0'), '在读', 1]));
    expect(students.getRow(3).values).toEqual(expect.arrayContaining(['已退费']));
  });

  it('when the alert list is downloaded as CSV, then it lists the alerts with their messages links', async () => {
    const { pool } = t.context;
    const cls = await createClass(pool, ['在读']);
    await refreshAndEvaluate();

    const csv = await get(`/api/exports/alerts.csv?classId=${cls.classId}`);

    expect(csv.status).toBe(200);
    expect(csv.text).toContain('长期未沟通');
    expect(csv.text).toContain(`http://school.example:5006/?user=${cls.parents[0]}`);
  });
});

async function levelOf(classId: number): Promise<number> {
  const { rows } = await t.context.pool.query('SELECT level_id FROM crm.classes WHERE id = $1', [classId]);
  return rows[0].level_id;
}

describe('settings', () => {
  it('when an admin adds a keyword, then the hits and alerts follow, a disordered heat band is refused, and the change is audited', async () => {
    const { pool } = t.context;
    const admin = await loginCookie(t.app, (await createTestUser(t.context, 'admin')).username);
    const cls = await createClass(pool, ['在读']);
    const [msgid] = await insertMessages(pool, [{ from: cls.parents[0]!, roomId: cls.roomId, at: daysAgo(1), content: '这周作业太多了' }]);
    await refreshAndEvaluate();
    const current = (await supertest(t.app).get('/api/settings').set('Cookie', admin)).body;
    const { updatedAt: _updatedAt, engagementDefinition: _definition, ...unchanged } = current;

    const bad = await supertest(t.app).put('/api/settings').set('Cookie', admin).send({ ...unchanged, heat: { high: 50, mid: 60, low: 20 } });
    const saved = await supertest(t.app).put('/api/settings').set('Cookie', admin).send({ ...unchanged, keywords: [...unchanged.keywords, '作业太多'] });

    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('heat');
    expect(saved.status).toBe(200);
    const keyword = (await alertsOf(cls.classId)).find((alert) => alert.kind === 'keyword');
    expect(keyword?.evidence).toMatchObject({ msgid, keywords: ['作业太多'] });
    const { rows } = await pool.query("SELECT details FROM auth.audit_log WHERE action = 'dashboard.settings.update' ORDER BY id DESC LIMIT 1");
    expect(rows[0].details.after.keywords).toContain('作业太多');
    await supertest(t.app).put('/api/settings').set('Cookie', admin).send(unchanged);
  });

  it('when the engagement rule is narrowed to text only, then a parent who only sent a picture is no longer active', async () => {
    const { pool } = t.context;
    const admin = await loginCookie(t.app, (await createTestUser(t.context, 'admin')).username);
    const cls = await createClass(pool, ['在读', '在读']);
    await insertMessages(pool, [
      { from: cls.parents[0]!, roomId: cls.roomId, at: daysAgo(1), msgtype: 'image' },
      { from: cls.parents[1]!, roomId: cls.roomId, at: daysAgo(1), content: '收到' },
    ]);
    await refreshAndEvaluate();
    const statsOf = async () => (await get(`/api/class-stats?days=7&search=${encodeURIComponent(cls.className)}`)).body.items[0];
    const before = await statsOf();
    const current = (await supertest(t.app).get('/api/settings').set('Cookie', admin)).body;
    const { updatedAt: _updatedAt, engagementDefinition: _definition, ...unchanged } = current;

    await supertest(t.app).put('/api/settings').set('Cookie', admin).send({ ...unchanged, engagement: { includeDirect: true, textOnly: true } });
    const after = await statsOf();
    await supertest(t.app).put('/api/settings').set('Cookie', admin).send(unchanged);

    expect([before.activeParents, before.activityRate]).toEqual([2, 100]);
    expect([after.activeParents, after.activityRate]).toEqual([1, 50]);
  });
});
