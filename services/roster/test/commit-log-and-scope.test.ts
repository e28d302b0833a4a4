import { describe, expect, it } from 'vitest';
import { uniqueSuffix } from '@doitcrm/kit/testing';
import { commit, freshMatrix, preview, undo, useRosterApp } from './roster-harness.ts';

const t = useRosterApp();

const db = () => t.service.context.pool;
const header = '学员姓名,手机号身份,手机号,所在班级,学校,住址,学员身份证号码,家长姓名';

async function studentRows(ids: number[]): Promise<unknown[]> {
  const { rows } = await db().query('SELECT * FROM crm.students WHERE id = ANY($1::int[]) ORDER BY id', [ids]);
  return rows;
}

describe('roster commit: undo log', () => {
  it('when a commit updates and inserts rows, then one log row per write holds every key, and undo restores the rows exactly', async () => {
    const { csv, names } = freshMatrix([{ pupils: ['日志甲', '日志乙'] }]);
    await commit(t, await preview(t, csv));
    const { rows: ids } = await db().query(
      'SELECT st.id FROM crm.students st JOIN crm.enrolments e ON e.student_id = st.id JOIN crm.classes c ON c.id = e.class_id WHERE c.name = $1 ORDER BY st.id', [names[0]]);
    const before = await studentRows(ids.map((r) => r.id));
    const phone = `198${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const enrolment = `${header}\r\n日志甲,妈妈,${phone},${names[0]},一小,一路1号,,家长甲\r\n日志乙,爸爸,${phone},${names[0]},二小,二路2号,,家长乙\r\n日志丙,,,${names[0]},三小,,,\r\n`;
    const previewed = await preview(t, enrolment);
    const report = (await commit(t, previewed)).body.report;
    expect(report.students).toMatchObject({ inserted: 1, updated: 2, enrolled: 1 });
    expect(report.contacts).toEqual({ inserted: 2, updated: 0 });
    const { rows: log } = await db().query(
      'SELECT table_name, op, jsonb_array_length(row_key->(SELECT min(k) FROM jsonb_object_keys(row_key) k)) AS n FROM crm.roster_import_changes WHERE import_id = $1 ORDER BY id',
      [previewed.import.id]);
    expect(log).toEqual([
      { table_name: 'students', op: 'insert', n: 1 }, { table_name: 'students', op: 'update', n: 2 },
      { table_name: 'enrolments', op: 'insert', n: 1 }, { table_name: 'student_contacts', op: 'insert', n: 2 },
    ]);

    const response = await undo(t, previewed.import.id);

    expect(response.status).toBe(200);
    expect(response.body.restored).toBe(6);
    expect(await studentRows(ids.map((r) => r.id))).toEqual(before);
    expect((await db().query("SELECT 1 FROM crm.students WHERE name = '日志丙'")).rowCount).toBe(0);
    expect((await db().query('SELECT 1 FROM crm.student_contacts WHERE phone = $1', [phone])).rowCount).toBe(0);
  });

  it('when a row the commit updated was edited afterwards, then undo is refused and the edit stays', async () => {
    const { csv, names } = freshMatrix([{ pupils: ['改后甲'] }]);
    await commit(t, await preview(t, csv));
    const previewed = await preview(t, `${header}\r\n改后甲,,,${names[0]},改小,,,\r\n`);
    expect((await commit(t, previewed)).body.report.students).toMatchObject({ updated: 1 });
    await db().query("UPDATE crm.students SET address = '编辑过' WHERE name = '改后甲' AND school = '改小'");

    const response = await undo(t, previewed.import.id);

    expect(response.status).toBe(409);
    expect(response.body.message).toContain('改后甲');
    expect((await db().query("SELECT address FROM crm.students WHERE name = '改后甲' AND school = '改小'")).rows).toEqual([{ address: '编辑过' }]);
  });

  it('when an import was logged row by row (before the log was kept per write), then undo still restores it and still refuses after a later edit', async () => {
    const { csv, names } = freshMatrix([{ pupils: ['旧志甲'] }]);
    await commit(t, await preview(t, csv));
    const { rows: [student] } = await db().query(
      'SELECT st.id FROM crm.students st JOIN crm.enrolments e ON e.student_id = st.id JOIN crm.classes c ON c.id = e.class_id WHERE c.name = $1', [names[0]]);
    const before = await studentRows([student.id]);
    const previewed = await preview(t, `${header}\r\n旧志甲,,,${names[0]},旧小,,,\r\n旧志乙,,,${names[0]},,,,\r\n`);
    expect((await commit(t, previewed)).status).toBe(200);
    await rewriteAsRowByRowLog(previewed.import.id);

    const response = await undo(t, previewed.import.id);

    expect(response.status).toBe(200);
    expect(await studentRows([student.id])).toEqual(before);
    expect((await db().query("SELECT 1 FROM crm.students WHERE name = '旧志乙'")).rowCount).toBe(0);

    const again = await preview(t, `${header}\r\n旧志甲,,,${names[0]},又小,,,\r\n`);
    expect((await commit(t, again)).status).toBe(200);
    await rewriteAsRowByRowLog(again.import.id);
    await db().query("UPDATE crm.students SET address = '后改' WHERE id = $1", [student.id]);
    expect((await undo(t, again.import.id)).status).toBe(409);
  });
});

/** The log as commits wrote it before: a row per written row, updates with their whole after-image. */
async function rewriteAsRowByRowLog(importId: number): Promise<void> {
  await db().query(
    `WITH batch AS (DELETE FROM crm.roster_import_changes WHERE import_id = $1 RETURNING *)
     INSERT INTO crm.roster_import_changes (import_id, table_name, op, row_key, before, after)
     SELECT b.import_id, b.table_name, b.op,
            CASE WHEN b.table_name = 'students' THEN jsonb_build_object('id', b.row_key->'id'->(i - 1)::int)
                 ELSE jsonb_build_object('student_id', b.row_key->'student_id'->(i - 1)::int, 'class_id', b.row_key->'class_id'->(i - 1)::int) END,
            b.before->(i - 1)::int,
            CASE WHEN b.op = 'insert' THEN jsonb_build_object('h', b.after->'h'->(i - 1)::int)
                 ELSE (SELECT to_jsonb(s) FROM crm.students s WHERE s.id = (b.row_key->'id'->>(i - 1)::int)::int) END
     FROM batch b, generate_series(1, jsonb_array_length(b.after->'h')) AS i`,
    [importId],
  );
  const { rows } = await db().query("SELECT count(*)::int AS n FROM crm.roster_import_changes WHERE import_id = $1 AND jsonb_typeof(row_key->'id') = 'array'", [importId]);
  expect(rows[0].n).toBe(0);
}

describe('roster preview: what the snapshot holds', () => {
  it('when a pupil without a class has one namesake, enrolled in a class the file does not name, then that student gets the details', async () => {
    const name = `无班${uniqueSuffix()}`;
    await commit(t, await preview(t, freshMatrix([{ pupils: [name] }]).csv));

    const previewed = await preview(t, `${header}\r\n${name},,,-,独小,,,\r\n`);

    expect(previewed.diff.students[0]).toMatchObject({ action: 'changed', changes: [{ field: 'school', before: null, after: '独小' }] });
    expect((await commit(t, previewed)).status).toBe(200);
    expect((await db().query('SELECT school FROM crm.students WHERE name = $1', [name])).rows).toEqual([{ school: '独小' }]);
  });

  it('when a new pupil has namesakes in classes the file does not name, then the preview warns with their number', async () => {
    const name = `重名${uniqueSuffix()}`;
    // two files, so two students: within one file the same name in two classes is one child
    await commit(t, await preview(t, freshMatrix([{ pupils: [name] }]).csv));
    await commit(t, await preview(t, freshMatrix([{ pupils: [name] }]).csv));

    const previewed = await preview(t, freshMatrix([{ pupils: [name] }]).csv);

    expect(previewed.diff.students[0]).toMatchObject({ action: 'new', studentId: null });
    expect(previewed.diff.warnings.map((w) => w.message)).toContainEqual(expect.stringContaining(`“${name}”在数据库中已有 2 名同名学员`));
  });
});
