import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { uniqueSuffix } from '@doitcrm/kit/testing';
import { commit, freshMatrix, preview, undo, uploadCsv, useRosterApp } from './roster-harness.ts';

const t = useRosterApp({ ROSTER_MAX_UPLOAD_MB: '0.05' });

const db = () => t.service.context.pool;

async function enrolledNames(roomId: string): Promise<string[]> {
  const { rows } = await db().query(
    `SELECT st.name || '/' || e.status AS v FROM crm.enrolments e JOIN crm.students st ON st.id = e.student_id JOIN crm.classes c ON c.id = e.class_id
     WHERE c.room_id = $1 ORDER BY st.name, st.id`, [roomId]);
  return rows.map((r) => r.v);
}

describe('roster import API: access and bad input', () => {
  it.each([
    ['get', '/api/imports'], ['post', '/api/imports'], ['get', '/api/imports/1'], ['patch', '/api/imports/1/draft'], ['post', '/api/imports/1/commit'],
    ['post', '/api/imports/1/undo'], ['get', '/api/config'], ['put', '/api/settings'],
  ] as const)('when %s %s is called without a session, then 401', async (method, url) => {
    expect((await supertest(t.app)[method](url)).status).toBe(401);
  });

  it('when a viewer uploads a roster, then 403 and nothing is stored', async () => {
    const before = await db().query('SELECT count(*)::int AS n FROM crm.roster_imports');
    const response = await uploadCsv(t, freshMatrix([{ pupils: ['甲'] }]).csv, { cookie: t.cookies.viewer });
    expect(response.status).toBe(403);
    expect((await db().query('SELECT count(*)::int AS n FROM crm.roster_imports')).rows[0].n).toBe(before.rows[0].n);
  });

  it('when the request is not multipart, then 400 names the file field', async () => {
    const response = await supertest(t.app).post('/api/imports').set('Cookie', t.cookies.staff).send({ file: 'x' });
    expect(response.status).toBe(400);
    expect(response.body.details[0].field).toBe('file');
  });

  it('when kind is neither matrix nor enrolment, then 400 names kind', async () => {
    const response = await uploadCsv(t, freshMatrix([{ pupils: ['甲'] }]).csv, { kind: 'excel' });
    expect(response.status).toBe(400);
    expect(response.body.details[0].field).toBe('kind');
  });

  it('when the file is larger than the limit, then 413 states the limit', async () => {
    const response = await uploadCsv(t, `班级,A班\r\n${'学员1,张三\r\n'.repeat(5_000)}`);
    expect(response.status).toBe(413);
    expect(response.body.message).toContain('0.05 MB');
  });

  it('when the file has the wrong layout, then 400 says what was expected and names the file', async () => {
    const response = await uploadCsv(t, 'foo,bar\r\n1,2\r\n', { name: '随便.csv' });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('随便.csv');
    expect(response.body.details[0]).toMatchObject({ field: 'file', file: '随便.csv', line: 1 });
  });

  it('when an enrolment file lacks required columns, then 400 names each missing column', async () => {
    const response = await uploadCsv(t, '学员姓名,手机号\r\n张三,19900000000\r\n', { kind: 'enrolment' });
    expect(response.status).toBe(400);
    expect(response.body.details.map((d: { field: string }) => d.field)).toEqual(['所在班级']);
  });

  it('when a commit or undo names an unknown import, then 404; a path id that is not a number is 400 naming id', async () => {
    expect((await supertest(t.app).post('/api/imports/999999/commit').set('Cookie', t.cookies.staff).send({})).status).toBe(404);
    const bad = await supertest(t.app).post('/api/imports/abc/undo').set('Cookie', t.cookies.staff).send({});
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('id');
  });
});

describe('roster import API: preview, commit, undo', () => {
  it('when new classes are committed, then classes, students, enrolments and staff exist, an event and an audit row are written', async () => {
    const teacher = `王老师${uniqueSuffix()}`;
    const { csv, rooms } = freshMatrix([{ stage: '二段L4', pupils: ['张三', '李四(休学)', '/'], teacher }, { stage: 'L3', pupils: ['王五（已退费）'] }]);
    const previewed = await preview(t, csv);
    expect(previewed.diff.summary.classes.new).toBe(2);
    expect(previewed.diff.summary.students.new).toBe(3);
    expect(previewed.ignoredCells).toBeGreaterThan(0);

    const response = await commit(t, previewed);

    expect(response.status).toBe(200);
    expect(response.body.report).toMatchObject({ classes: { inserted: 2 }, students: { inserted: 3, enrolled: 3 }, staffCreated: 1 });
    expect(await enrolledNames(rooms[0]!)).toEqual(['张三/在读', '李四/休学']);
    const level = await db().query('SELECT l.name FROM crm.classes c JOIN crm.levels l ON l.id = c.level_id WHERE c.room_id = ANY($1) ORDER BY c.room_id', [rooms]);
    expect(level.rows.map((r) => r.name).sort()).toEqual(['L3', 'L4']);
    const staffRow = await db().query('SELECT s.role FROM crm.classes c JOIN crm.staff s ON s.id = c.teacher_staff_id WHERE c.room_id = $1', [rooms[0]]);
    expect(staffRow.rows).toEqual([{ role: 'teacher' }]);
    const event = await db().query("SELECT envelope FROM ops.outbox WHERE routing_key = 'roster.changed' AND envelope->'payload'->>'importId' = $1", [String(previewed.import.id)]);
    expect(event.rows[0].envelope.payload).toMatchObject({ reason: 'import' });
    expect(event.rows[0].envelope.payload.studentIds).toHaveLength(3);
    const audit = await db().query("SELECT 1 FROM auth.audit_log WHERE action = 'roster.import.commit' AND target_id = $1", [String(previewed.import.id)]);
    expect(audit.rowCount).toBe(1);
    const stored = await db().query('SELECT draft FROM crm.roster_imports WHERE id = $1', [previewed.import.id]);
    expect(stored.rows[0].draft).toEqual({});
  });

  it('when the same file is imported again, then the preview shows no changes and the commit writes nothing', async () => {
    const { csv, rooms } = freshMatrix([{ pupils: ['赵六', '钱七'] }]);
    await commit(t, await preview(t, csv));
    const again = await preview(t, csv);
    expect(again.diff.summary.students).toMatchObject({ new: 0, changed: 0, unchanged: 2 });
    expect(again.previouslyCommitted).not.toBeNull();

    const response = await commit(t, again);

    expect(response.body.report).toMatchObject({ classes: { inserted: 0, updated: 0, unchanged: 1 }, students: { inserted: 0, updated: 0, enrolled: 0 } });
    const changes = await db().query('SELECT count(*)::int AS n FROM crm.roster_import_changes WHERE import_id = $1', [again.import.id]);
    expect(changes.rows[0].n).toBe(0);
    expect(await enrolledNames(rooms[0]!)).toEqual(['赵六/在读', '钱七/在读']);
  });

  it('when an import is undone, then inserted rows are gone and updated rows are as before', async () => {
    const { csv, rooms } = freshMatrix([{ pupils: ['孙一'], teacher: '' }]);
    await commit(t, await preview(t, csv));
    const changed = await preview(t, csv.replace('孙一', '孙一(休学)').replace('学员1', '学员1').replace('\r\n学员1', '\r\n学员2,周二\r\n学员1'));
    const report = (await commit(t, changed)).body.report;
    expect(report.students).toMatchObject({ updated: 1, inserted: 1 });

    const response = await undo(t, changed.import.id);

    expect(response.status).toBe(200);
    expect(response.body.import.status).toBe('undone');
    expect(await enrolledNames(rooms[0]!)).toEqual(['孙一/在读']);
    expect((await db().query("SELECT 1 FROM crm.students WHERE name = '周二'")).rowCount).toBe(0);
    expect((await undo(t, changed.import.id)).status).toBe(409);
  });

  it('when a later edit touched the same rows, then undo is refused with 409 and changes nothing', async () => {
    const { csv, rooms } = freshMatrix([{ pupils: ['吴三'] }]);
    const first = await preview(t, csv);
    await commit(t, first);
    const { rows } = await db().query('SELECT st.id FROM crm.students st JOIN crm.enrolments e ON e.student_id = st.id JOIN crm.classes c ON c.id = e.class_id WHERE c.room_id = $1', [rooms[0]]);
    expect((await supertest(t.app).patch(`/api/students/${rows[0].id}`).set('Cookie', t.cookies.staff).send({ status: '休学' })).status).toBe(204);

    const response = await undo(t, first.import.id);

    expect(response.status).toBe(409);
    expect(response.body.message).toContain('吴三');
    expect((await db().query('SELECT 1 FROM crm.students WHERE id = $1', [rows[0].id])).rowCount).toBe(1);
  });

  it('when a pupil the import created was later enrolled in another class, then undo is refused instead of cascading', async () => {
    const first = freshMatrix([{ pupils: ['后来童'] }]);
    const previewed = await preview(t, first.csv);
    await commit(t, previewed);
    const other = freshMatrix([{ pupils: ['占位童'] }]);
    await commit(t, await preview(t, other.csv));
    const { rows } = await db().query(
      `SELECT st.id AS student, (SELECT id FROM crm.classes WHERE room_id = $2) AS target FROM crm.students st
       JOIN crm.enrolments e ON e.student_id = st.id JOIN crm.classes c ON c.id = e.class_id WHERE c.room_id = $1`, [first.rooms[0], other.rooms[0]]);
    await db().query('INSERT INTO crm.enrolments (student_id, class_id) VALUES ($1, $2)', [rows[0].student, rows[0].target]);

    const response = await undo(t, previewed.import.id);

    expect(response.status).toBe(409);
    expect(response.body.message).toContain('后来童');
    expect((await db().query('SELECT count(*)::int AS n FROM crm.enrolments WHERE student_id = $1', [rows[0].student])).rows[0].n).toBe(2);
  });

  it('when the database changed after the preview, then commit with the old token is refused with 409', async () => {
    const { csv, rooms } = freshMatrix([{ pupils: ['郑四'] }]);
    const previewed = await preview(t, csv);
    await commit(t, await preview(t, csv));

    const response = await commit(t, previewed);

    expect(response.status).toBe(409);
    expect(await enrolledNames(rooms[0]!)).toEqual(['郑四/在读']);
  });
});

describe('roster import API: identity and matrix rules', () => {
  it('when a class keeps its group but gets a new name, then it is renamed, not duplicated', async () => {
    const { csv, names, rooms } = freshMatrix([{ pupils: ['冯五'] }]);
    await commit(t, await preview(t, csv));
    const renamed = await preview(t, csv.replace(names[0]!, `${names[0]}改`));
    expect(renamed.diff.classes[0]).toMatchObject({ action: 'changed', changes: [{ field: 'name', before: names[0], after: `${names[0]}改` }] });
    expect(renamed.diff.summary.students.unchanged).toBe(1);
    await commit(t, renamed);
    expect((await db().query('SELECT name FROM crm.classes WHERE room_id = $1', [rooms[0]])).rows).toEqual([{ name: `${names[0]}改` }]);
  });

  it('when a class has no group, then it is its name within its level: same name in another level is another class', async () => {
    const name = `无群${uniqueSuffix()}班`;
    const first = freshMatrix([{ name, stage: 'L1', room: false, pupils: ['陈一'] }]);
    await commit(t, await preview(t, first.csv));
    const sameLevel = await preview(t, first.csv);
    expect(sameLevel.diff.classes[0]!.action).toBe('unchanged');
    const otherLevel = await preview(t, first.csv.replace('所在阶段,L1', '所在阶段,L2'));
    expect(otherLevel.diff.classes[0]!.action).toBe('new');
  });

  it('when the same child is in two classes of the file, then one student is enrolled twice; two namesakes in one class stay two', async () => {
    const { csv, rooms } = freshMatrix([{ pupils: ['双班童', '同名童', '同名童'] }, { pupils: ['双班童'] }]);
    await commit(t, await preview(t, csv));
    const { rows } = await db().query(
      `SELECT st.name, count(DISTINCT st.id)::int AS students, count(*)::int AS enrolments FROM crm.enrolments e JOIN crm.students st ON st.id = e.student_id
       JOIN crm.classes c ON c.id = e.class_id WHERE c.room_id = ANY($1) GROUP BY st.name ORDER BY st.name`, [rooms]);
    expect(rows).toEqual([{ name: '双班童', students: 1, enrolments: 2 }, { name: '同名童', students: 2, enrolments: 2 }]);
  });

  it('when the same group appears in two columns, then the second column is unmatched with a reason naming the first', async () => {
    const { csv, rooms } = freshMatrix([{ pupils: ['重一'] }, { pupils: ['重二'] }]);
    const previewed = await preview(t, csv.replace(rooms[1]!, rooms[0]!));
    expect(previewed.diff.classes.map((c) => c.action)).toEqual(['new', 'unmatched']);
    expect(previewed.diff.classes[1]!.reason).toContain('第 2 列');
    expect(previewed.diff.students.find((s) => s.name === '重二')!.action).toBe('unmatched');
  });

  it('when two commits of one preview race, then exactly one commits and the other is refused with 409', async () => {
    const { csv, rooms } = freshMatrix([{ pupils: ['竞一', '竞二'] }]);
    const previewed = await preview(t, csv);
    const results = await Promise.all([commit(t, previewed), commit(t, previewed)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await enrolledNames(rooms[0]!)).toEqual(['竞一/在读', '竞二/在读']);
  });

  it('when a known pupil is added to a second class, then the existing student is enrolled, not a copy created', async () => {
    const { csv, rooms } = freshMatrix([{ pupils: ['林一'] }, { pupils: [] }]);
    await commit(t, await preview(t, csv));
    const grown = await preview(t, csv.replace(/学员1,林一,\r\n/u, '学员1,林一,林一\r\n'));
    const added = grown.diff.students.find((s) => s.action === 'new')!;
    expect(added).toMatchObject({ newEnrolment: true, name: '林一' });
    expect(added.studentId).not.toBeNull();
    await commit(t, grown);
    expect((await db().query("SELECT count(*)::int AS n FROM crm.students st JOIN crm.enrolments e ON e.student_id = st.id JOIN crm.classes c ON c.id = e.class_id WHERE c.room_id = ANY($1) AND st.name = '林一'", [rooms])).rows[0].n).toBe(2);
    expect((await db().query("SELECT count(DISTINCT st.id)::int AS n FROM crm.students st JOIN crm.enrolments e ON e.student_id = st.id JOIN crm.classes c ON c.id = e.class_id WHERE c.room_id = ANY($1) AND st.name = '林一'", [rooms])).rows[0].n).toBe(1);
  });

  it('when a cell of the file is blank, then the database value is kept (the original could blank a pupil\'s group)', async () => {
    const { csv, rooms } = freshMatrix([{ pupils: ['黄一'], teacher: `李老师${uniqueSuffix()}` }]);
    await commit(t, await preview(t, csv));
    const blanked = await preview(t, csv.replace(/主教老师,[^\r]*/u, '主教老师,'));
    expect(blanked.diff.classes[0]!.action).toBe('unchanged');
    expect((await db().query('SELECT teacher_staff_id FROM crm.classes WHERE room_id = $1', [rooms[0]])).rows[0].teacher_staff_id).not.toBeNull();
  });

  it('when the 段 disagrees with the 阶, then the preview warns at that cell (the original ignored 段 altogether)', async () => {
    const previewed = await preview(t, freshMatrix([{ stage: '一段L5', pupils: ['段错童'] }]).csv);
    expect(previewed.diff.classes[0]).toMatchObject({ action: 'new', levelName: 'L5' });
    expect(previewed.diff.warnings).toContainEqual(expect.objectContaining({ row: 2, column: 2, field: 'stage', message: expect.stringContaining('二段') }));
  });

  it('when a pupil is missing from a re-imported class, then the pupil is listed as absent and keeps the enrolment (the original could blank it)', async () => {
    const { csv, rooms } = freshMatrix([{ pupils: ['留下童', '缺席童'] }]);
    await commit(t, await preview(t, csv));
    const without = await preview(t, csv.replace(/\r\n学员2,缺席童/u, ''));
    expect(without.diff.absent).toEqual([expect.objectContaining({ name: '缺席童', status: '在读' })]);
    await commit(t, without);
    expect(await enrolledNames(rooms[0]!)).toEqual(['留下童/在读', '缺席童/在读']);
  });

  it('when a teacher name matches a WeCom staff identity, then the new staff row is linked to it', async () => {
    const name = `赵老师${uniqueSuffix()}`;
    const identity = await db().query(
      "INSERT INTO crm.identities (id_type, original_id, id_kind, business_name, user_role) VALUES ('user_id', $1, 'staff', $2, 'teacher') RETURNING id",
      [`zhao${uniqueSuffix()}`, name]);
    const { csv, rooms } = freshMatrix([{ pupils: ['何一'], teacher: name }]);
    await commit(t, await preview(t, csv));
    const { rows } = await db().query('SELECT s.identity_id, s.name FROM crm.classes c JOIN crm.staff s ON s.id = c.teacher_staff_id WHERE c.room_id = $1', [rooms[0]]);
    expect(rows).toEqual([{ identity_id: identity.rows[0].id, name }]);
  });

  it('when a stage is unreadable, then the class is unmatched with a reason; fixing it in the preview makes it new', async () => {
    const { csv } = freshMatrix([{ stage: '高级', pupils: ['吕一'] }]);
    const previewed = await preview(t, csv);
    expect(previewed.diff.classes[0]).toMatchObject({ action: 'unmatched', reason: expect.stringContaining('所在阶段') });
    expect(previewed.diff.students[0]!.action).toBe('unmatched');
    expect(previewed.diff.warnings).toContainEqual(expect.objectContaining({ row: 2, column: 2, field: 'stage' }));

    const edited = await supertest(t.app).patch(`/api/imports/${previewed.import.id}/draft`).set('Cookie', t.cookies.staff)
      .send({ edits: [{ target: 'class', index: 0, values: { stage: 'L5', name: '改名班' } }] });

    expect(edited.status).toBe(200);
    expect(edited.body.diff.classes[0]).toMatchObject({ action: 'new', levelName: 'L5', name: '改名班' });
    expect(edited.body.students[0].className).toBe('改名班');
    expect(edited.body.diff.warnings.filter((w: { field: string }) => w.field === 'stage')).toEqual([]);
  });

  it('when a preview edit is malformed, then 400 names the field', async () => {
    const previewed = await preview(t, freshMatrix([{ pupils: ['甲'] }]).csv);
    const response = await supertest(t.app).patch(`/api/imports/${previewed.import.id}/draft`).set('Cookie', t.cookies.staff)
      .send({ edits: [{ target: 'student', index: 0, values: { colour: 'red' } }] });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('edits');
  });
});

describe('roster import API: enrolment CSV', () => {
  const header = '学员姓名,手机号身份,手机号,所在班级,学校,住址,学员身份证号码,家长姓名';

  it('when a row lists two classes, then the pupil is enrolled in both, the guardian is a contact and the ID number is not stored', async () => {
    const { csv, names, rooms } = freshMatrix([{ pupils: [] as string[] }, { pupils: [] as string[] }].map((c) => ({ ...c, pupils: ['占位'] })));
    await commit(t, await preview(t, csv));
    const phone = `199${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const enrolment = `${header}\r\nAmy新童,妈妈,${phone},${names[0]};${names[1]},实验小学,某路1号,110101201501010011,刘芳\r\n无班童,,,-,,,,\r\n错班童,,,不存在的班,,,,\r\n`;
    const previewed = await preview(t, enrolment);
    expect(previewed.diff.students.map((s) => s.action)).toEqual(['new', 'new', 'unmatched', 'unmatched']);
    expect(previewed.diff.students[3]!.reason).toContain('不存在的班');

    const report = (await commit(t, previewed)).body.report;

    expect(report.students).toMatchObject({ inserted: 1, enrolled: 2, skipped: 2 });
    expect(report.skipped.map((s: { name: string }) => s.name)).toEqual(['无班童', '错班童']);
    const { rows } = await db().query(
      `SELECT st.english_name, st.school, (SELECT count(*)::int FROM crm.student_national_ids n WHERE n.student_id = st.id) AS national_ids,
              sc.name AS guardian, sc.relation, sc.phone
       FROM crm.students st JOIN crm.student_contacts sc ON sc.student_id = st.id WHERE sc.phone = $1`, [phone]);
    expect(rows).toEqual([{ english_name: 'Amy', school: '实验小学', national_ids: 0, guardian: '刘芳', relation: '妈妈', phone }]);
    expect((await enrolledNames(rooms[0]!))).toContain('新童/在读');
    expect((await enrolledNames(rooms[1]!))).toContain('新童/在读');
  });

  it('when a class name is used in two levels, then enrolment rows naming it are unmatched instead of guessed', async () => {
    const name = `同名${uniqueSuffix()}班`;
    await commit(t, await preview(t, freshMatrix([{ name, stage: 'L1', pupils: ['甲童'] }, { name, stage: 'L2', pupils: ['乙童'] }]).csv));
    const previewed = await preview(t, `${header}\r\n丙童,,,${name},,,,\r\n`);
    expect(previewed.diff.students[0]).toMatchObject({ action: 'unmatched', reason: expect.stringContaining('有 2 个名为') });
  });

  it('when an admin turns on keeping ID numbers without an encryption key, then 400 names ROSTER_ID_NUMBER_KEY and nothing is stored', async () => {
    expect((await supertest(t.app).put('/api/settings').set('Cookie', t.cookies.staff).send({ storeNationalId: true })).status).toBe(403);

    const response = await supertest(t.app).put('/api/settings').set('Cookie', t.cookies.admin).send({ storeNationalId: true });

    expect(response.status).toBe(400);
    expect(response.body.message).toContain('ROSTER_ID_NUMBER_KEY');
    expect(response.body.details).toEqual([expect.objectContaining({ field: 'storeNationalId', message: expect.stringContaining('ROSTER_ID_NUMBER_KEY') })]);
    expect((await supertest(t.app).get('/api/config').set('Cookie', t.cookies.viewer)).body.storeNationalId).toBe(false);
    const { csv, names } = freshMatrix([{ pupils: ['身份童'] }]);
    await commit(t, await preview(t, csv));
    const previewed = await preview(t, `${header}\r\n身份童,,,${names[0]},,,110101201501010011,\r\n`);
    expect(previewed.diff.warnings.some((w) => w.field === '学员身份证号码')).toBe(true);
    expect(previewed.students[0]!.nationalId).toBeNull();
  });
});

describe('roster API documentation', () => {
  it('when a signed-in user opens /docs, then the OpenAPI document lists the import routes; signed out, /docs redirects', async () => {
    const document = await supertest(t.app).get('/docs/openapi.json').set('Cookie', t.cookies.viewer);
    expect(document.status).toBe(200);
    expect(Object.keys(document.body.paths)).toEqual(expect.arrayContaining(['/api/imports', '/api/imports/{id}/commit', '/api/imports/{id}/undo', '/api/hierarchy']));
    expect((await supertest(t.app).get('/docs/')).status).toBe(302);
  });
});

describe('roster import API: history', () => {
  it('when imports are listed, then the newest come first with their reports and pages do not overlap', async () => {
    const first = await preview(t, freshMatrix([{ pupils: ['史一'] }]).csv);
    await commit(t, first);
    const page1 = await supertest(t.app).get('/api/imports?limit=1').set('Cookie', t.cookies.staff);
    expect(page1.status).toBe(200);
    expect(page1.body.items).toHaveLength(1);
    const page2 = await supertest(t.app).get(`/api/imports?limit=1&before=${page1.body.nextCursor}`).set('Cookie', t.cookies.staff);
    expect(page2.body.items[0].id).toBeLessThan(page1.body.items[0].id);
    const all = await supertest(t.app).get('/api/imports?limit=100').set('Cookie', t.cookies.staff);
    expect(all.body.items.find((i: { id: number }) => i.id === first.import.id)).toMatchObject({ status: 'committed', report: { students: { inserted: 1 } } });
    expect((await supertest(t.app).get('/api/imports?limit=0').set('Cookie', t.cookies.staff)).body.details[0].field).toBe('limit');
  });
});
