import iconv from 'iconv-lite';
import supertest from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSchool, loadSchool, rosterCsv, enrolmentCsv } from '@doitcrm/demo-data';
import { commit, preview, undo, useRosterApp } from './roster-harness.ts';

const t = useRosterApp();
const school = generateSchool();

beforeAll(async () => {
  await loadSchool(t.context.pool, school);
}, 120_000);

describe('acceptance: the demo school round trip', () => {
  it('when the demo matrix is uploaded as GBK, an edited status previews as exactly that change, commits and undoes', async () => {
    const original = rosterCsv(school);
    const first = await preview(t, iconv.encode(original, 'gbk'), { name: '花名册.csv' });
    expect(first.import.encoding).toBe('gb18030');
    expect(first.import.encodingLabel).toContain('GBK');
    expect(first.import.fileName).toBe('花名册.csv');
    expect(first.diff.summary.classes).toEqual({ new: 0, changed: 0, unchanged: school.classes.length, unmatched: 0 });
    expect(first.diff.summary.students).toMatchObject({ new: 0, changed: 0, unmatched: 0 });
    expect(first.diff.summary.absent).toBe(0);
    expect(first.diff.warnings).toEqual([]);

    const pupil = school.students.find((s) => s.status === '在读' && s.classKeys.length === 1 && original.includes(`,${s.name},`))!;
    const edited = original.replace(`,${pupil.name},`, `,${pupil.name}(休学),`);
    const second = await preview(t, iconv.encode(edited, 'gbk'));
    const changed = second.diff.students.filter((s) => s.action !== 'unchanged');
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ action: 'changed', name: pupil.name, changes: [{ field: 'status', before: '在读', after: '休学' }] });
    expect(second.diff.summary.classes.changed).toBe(0);

    const committed = await commit(t, second);
    expect(committed.status).toBe(200);
    expect(committed.body.report).toMatchObject({ students: { updated: 1, inserted: 0, enrolled: 0 }, classes: { inserted: 0, updated: 0 } });
    const { rows } = await t.service.context.pool.query(
      'SELECT st.status, e.status AS enrolment FROM crm.students st JOIN crm.enrolments e ON e.student_id = st.id WHERE st.id = $1', [changed[0]!.studentId]);
    expect(rows).toEqual([{ status: '休学', enrolment: '休学' }]);

    const again = await preview(t, iconv.encode(edited, 'gbk'));
    expect(again.diff.summary.students.changed + again.diff.summary.students.new).toBe(0);
    expect(again.previouslyCommitted?.id).toBe(second.import.id);

    expect((await undo(t, second.import.id)).status).toBe(200);
    const after = await t.service.context.pool.query(
      'SELECT st.status, e.status AS enrolment FROM crm.students st JOIN crm.enrolments e ON e.student_id = st.id WHERE st.id = $1', [changed[0]!.studentId]);
    expect(after.rows).toEqual([{ status: '在读', enrolment: '在读' }]);
    const back = await preview(t, original);
    expect(back.diff.summary.students.changed).toBe(0);
  });

  it('when the demo enrolment CSV is previewed against the loaded school, then nothing would change and multi-class cells find both classes', async () => {
    const result = await preview(t, enrolmentCsv(school), { name: '报读课程.csv' });
    expect(result.import.kind).toBe('enrolment');
    expect(result.diff.summary.students.new).toBe(0);
    expect(result.diff.students.filter((s) => s.action === "changed").map((s) => [s.name, s.changes])).toEqual([]);
    const unmatched = result.diff.students.filter((s) => s.action === 'unmatched');
    // "-" rows of refunded pupils whose name is shared by another pupil cannot be pinned to one student
    expect(unmatched.every((s) => s.className === null)).toBe(true);
    expect(result.diff.warnings.some((w) => w.field === '学员身份证号码')).toBe(true);
    expect(JSON.stringify(result)).not.toMatch(/99999920\d{8}/);
  });

  it('when the database matrix is exported and imported again, then it previews as no changes', async () => {
    const exported = await supertest(t.app).get('/api/export/matrix.csv').set('Cookie', t.cookies.staff);
    expect(exported.status).toBe(200);
    expect(exported.text.charCodeAt(0)).toBe(0xfeff);
    const result = await preview(t, Buffer.from(exported.text, 'utf8'));
    expect(result.import.encoding).toBe('utf8-bom');
    expect(result.diff.summary.classes.unchanged).toBe(school.classes.length);
    expect(result.diff.summary.students).toMatchObject({ new: 0, changed: 0, unmatched: 0 });
  });
});
