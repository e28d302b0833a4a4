import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@doitcrm/kit';
import { useTestDatabase } from '@doitcrm/kit/testing';
import { runLegacyImport } from '../src/legacy/legacy-import.ts';
import {
  DASHBOARD_VIEWS, HAND_ADDED_STUDENT_COLUMNS, HIERARCHY, V2_CORE, V2_RELATIONS_WITH_FKS, chatRow, createLegacyDatabase, textRecord, v2PeopleAndClasses, type LegacyDatabase,
} from './legacy-fixtures.ts';

const db = useTestDatabase({ max: 4 });
const logger = createLogger({ service: 'legacy-test', level: 'silent' });
let legacy: LegacyDatabase;
const importLegacy = (preferLegacy = false) => runLegacyImport({ fromUrl: legacy.url, mode: 'import', preferLegacy, cipher: null }, { pool: db.pool, logger });

// a v2 school with hierarchy.sql, the dashboard views and the columns its importers added to v2.students by hand
beforeAll(async () => {
  legacy = await createLegacyDatabase([
    V2_CORE, V2_RELATIONS_WITH_FKS, HAND_ADDED_STUDENT_COLUMNS, HIERARCHY, DASHBOARD_VIEWS,
    chatRow('v2', textRecord('v2-m1', 'wmMum', 'zhanglaoshi', '请假一次'), '2026-03-02 08:00:00+08'),
    v2PeopleAndClasses('{"vip": true}'),
    `INSERT INTO v2.students (id, name, english_name, class_id, class_room_id, status, phone, primary_guardian_type, parent_name, school, address, id_card) VALUES
      (1, '王小明', 'Tom', 1, 'wrL4', '在读', '13800001111', '妈妈', '李丽', '实验小学', '人民路 1 号', '110101201501011234'),
      (2, '王小红', NULL, 2, NULL, '在读', '13800001111', '妈妈', '李丽', NULL, NULL, NULL),
      (3, '赵小刚', NULL, NULL, 'wrOnlyRoom', '休学', NULL, NULL, NULL, NULL, NULL, NULL),
      (4, '孙无班', NULL, NULL, NULL, '在读', NULL, NULL, NULL, NULL, NULL, NULL);
    INSERT INTO v2.wecom_user_student_rel (wecom_id, student_id, relation, is_primary) VALUES (1, 1, 'mother', true), (1, 2, 'mother', false), (4, 3, 'father', true);`,
  ].join('\n'));
  // a teacher this installation knows already, by the name the original typed into teacher_wecom_id
  await db.pool.query(`INSERT INTO crm.staff (name, role) VALUES ('张老师', 'teacher')`);
});
afterAll(async () => { await legacy?.drop(); });

describe('legacy import of a v2 database with hierarchy.sql and the dashboard views', () => {
  it('when it is imported, then classes, students with their hand-added columns, two children of one parent and a student in no class land or are reported', async () => {
    const report = await importLegacy();

    expect(report.schema).toMatchObject({ version: 'v2', hierarchy: true, dashboardViews: true });
    expect(report.schema.studentExtraColumns).toEqual(['phone', 'primary_guardian_type', 'parent_name', 'school', 'address', 'id_card']);
    const { rows: classes } = await db.pool.query(
      `SELECT c.name, c.room_id, l.name AS level, t.name AS teacher, h.name AS head, c.start_time, c.course_progress
       FROM crm.classes c JOIN crm.levels l ON l.id = c.level_id LEFT JOIN crm.staff t ON t.id = c.teacher_staff_id LEFT JOIN crm.staff h ON h.id = c.head_teacher_staff_id ORDER BY c.name`);
    expect(classes).toEqual([
      { name: 'L1 周日班', room_id: null, level: 'L1', teacher: null, head: null, start_time: '周日10:00', course_progress: null },
      { name: 'L4 周六班', room_id: 'wrL4', level: 'L4', teacher: '张老师', head: '陈主任', start_time: '周六9:00', course_progress: 'Unit 3' },
      // the class_room_id fallback: a group students name without a class becomes a class of its own
      { name: 'wrOnlyRoom', room_id: 'wrOnlyRoom', level: 'L1', teacher: null, head: null, start_time: null, course_progress: null },
    ]);
    const { rows: [staff] } = await db.pool.query(`SELECT count(*)::int AS n FROM crm.staff WHERE name = '张老师'`);
    expect(staff.n).toBe(1);

    const { rows: students } = await db.pool.query(
      `SELECT s.name, s.english_name, s.school, s.address, s.status, c.name AS class_name
       FROM crm.students s LEFT JOIN crm.enrolments e ON e.student_id = s.id LEFT JOIN crm.classes c ON c.id = e.class_id ORDER BY s.name`);
    expect(students).toEqual([
      { name: '孙无班', english_name: null, school: null, address: null, status: '在读', class_name: null },
      { name: '王小明', english_name: 'Tom', school: '实验小学', address: '人民路 1 号', status: '在读', class_name: 'L4 周六班' },
      { name: '王小红', english_name: null, school: null, address: null, status: '在读', class_name: 'L1 周日班' },
      { name: '赵小刚', english_name: null, school: null, address: null, status: '休学', class_name: 'wrOnlyRoom' },
    ]);
    expect(report.problems).toContainEqual(expect.objectContaining({ table: 'v2.students', key: '4 孙无班', reason: expect.stringMatching(/不在任何班级/) }));
    const { rows: contacts } = await db.pool.query(`SELECT s.name, c.name AS parent, c.relation, c.phone FROM crm.student_contacts c JOIN crm.students s ON s.id = c.student_id ORDER BY s.name`);
    expect(contacts).toEqual([
      { name: '王小明', parent: '李丽', relation: '妈妈', phone: '13800001111' },
      { name: '王小红', parent: '李丽', relation: '妈妈', phone: '13800001111' },
    ]);
    // storing national ids is off here: counted, never kept
    expect(report.nationalIdsDropped).toBe(1);
    const { rows: [ids] } = await db.pool.query('SELECT count(*)::int AS n FROM crm.student_national_ids');
    expect(ids.n).toBe(0);

    const { rows: links } = await db.pool.query(
      `SELECT i.original_id, s.name, g.relation, g.is_primary FROM crm.guardianships g JOIN crm.identities i ON i.id = g.identity_id
       JOIN crm.students s ON s.id = g.student_id ORDER BY i.original_id, s.name`);
    expect(links).toEqual([
      { original_id: 'wmDad', name: '赵小刚', relation: 'father', is_primary: true },
      { original_id: 'wmMum', name: '王小明', relation: 'mother', is_primary: true },
      { original_id: 'wmMum', name: '王小红', relation: 'mother', is_primary: false },
    ]);
    expect(report.groups.guardianships).toMatchObject({ read: 3, inserted: 3, skipped: 0 });
    // the other services hear of it as of any roster import and mapping edit (the dashboard recounts its classes)
    const { rows: events } = await db.pool.query(`SELECT routing_key, envelope->'payload' AS payload FROM ops.outbox ORDER BY created_at`);
    expect(events.map((event) => event.routing_key).sort()).toEqual(['chat.ingested', 'mapping.changed', 'mapping.changed', 'roster.changed']);
    const roster = events.find((event) => event.routing_key === 'roster.changed')!.payload;
    expect(roster).toMatchObject({ reason: 'import', importId: null, userId: null });
    expect(roster.classIds).toHaveLength(3);
    expect(roster.studentIds).toHaveLength(4);
  });

  it('when the school was edited here and imported again, then the edits are kept and nothing else changes; --prefer legacy takes the original\'s values', async () => {
    await db.pool.query(`UPDATE crm.identities SET business_name = '明明妈妈' WHERE original_id = 'wmMum'`);
    await db.pool.query(`UPDATE crm.students SET english_name = 'Tommy' WHERE name = '王小明'`);
    await db.pool.query(`DELETE FROM crm.students WHERE name = '孙无班'`);
    await db.pool.query(`DELETE FROM crm.guardianships WHERE student_id = (SELECT id FROM crm.students WHERE name = '王小红')`);

    const again = await importLegacy();

    expect(again.nothingChanged).toBe(true);
    const { rows: [outbox] } = await db.pool.query(`SELECT count(*)::int AS n FROM ops.outbox`);
    expect(outbox.n).toBe(4);
    expect(again.conflicts).toContainEqual({ kind: 'identity', key: 'wmMum', field: 'business_name', here: '明明妈妈', legacy: '小明小红妈妈' });
    expect(again.problems).toContainEqual(expect.objectContaining({ key: '4 孙无班', reason: expect.stringMatching(/已在本系统删除/) }));
    expect(again.problems).toContainEqual(expect.objectContaining({ key: 'wmMum→2', reason: expect.stringMatching(/家长关系导入后已在本系统删除/) }));
    const { rows: [kept] } = await db.pool.query(
      `SELECT (SELECT business_name FROM crm.identities WHERE original_id = 'wmMum') AS name, (SELECT english_name FROM crm.students WHERE name = '王小明') AS english,
              (SELECT count(*) FROM crm.students)::int AS students, (SELECT count(*) FROM crm.classes)::int AS classes, (SELECT count(*) FROM crm.guardianships)::int AS links`);
    expect(kept).toEqual({ name: '明明妈妈', english: 'Tommy', students: 3, classes: 3, links: 2 });

    const preferred = await importLegacy(true);

    expect(preferred.groups.people!.updated).toBe(1);
    const { rows: [taken] } = await db.pool.query(
      `SELECT (SELECT business_name FROM crm.identities WHERE original_id = 'wmMum') AS name, (SELECT english_name FROM crm.students WHERE name = '王小明') AS english`);
    expect(taken).toEqual({ name: '小明小红妈妈', english: 'Tom' });
  });
});
