import type { Queryable } from '@doitcrm/kit';

/**
 * Who belongs to each class, from the roster and the mappings: parents are the WeCom identities that are guardians
 * of a student enrolled in the class; teachers are the identities of its teacher and head teacher. Replaces the
 * snapshot and returns the classes whose members or group changed (those are recounted in full).
 */
export async function refreshMembership(db: Queryable): Promise<number[]> {
  const { rows } = await db.query<{ class_id: number }>(
    `WITH fresh_parents AS (
       SELECT DISTINCT e.class_id, i.original_id AS parent_id
       FROM crm.enrolments e
       JOIN crm.guardianships g ON g.student_id = e.student_id
       JOIN crm.identities i ON i.id = g.identity_id AND i.id_type = 'user_id'),
     fresh_teachers AS (
       SELECT DISTINCT c.id AS class_id, i.original_id AS teacher_id
       FROM crm.classes c
       JOIN crm.staff s ON s.id IN (c.teacher_staff_id, c.head_teacher_staff_id)
       JOIN crm.identities i ON i.id = s.identity_id),
     fresh_rooms AS (SELECT id AS class_id, room_id FROM crm.classes WHERE room_id IS NOT NULL),
     changed AS (
       (SELECT class_id, parent_id FROM fresh_parents EXCEPT SELECT class_id, parent_id FROM dashboard.class_parents)
       UNION ALL (SELECT class_id, parent_id FROM dashboard.class_parents EXCEPT SELECT class_id, parent_id FROM fresh_parents)
       UNION ALL (SELECT class_id, teacher_id FROM fresh_teachers EXCEPT SELECT class_id, teacher_id FROM dashboard.class_teachers)
       UNION ALL (SELECT class_id, teacher_id FROM dashboard.class_teachers EXCEPT SELECT class_id, teacher_id FROM fresh_teachers)
       UNION ALL (SELECT class_id, room_id FROM fresh_rooms EXCEPT SELECT class_id, room_id FROM dashboard.class_rooms)
       UNION ALL (SELECT class_id, room_id FROM dashboard.class_rooms EXCEPT SELECT class_id, room_id FROM fresh_rooms))
     SELECT DISTINCT class_id FROM changed ORDER BY class_id`,
  );
  const changed = rows.map((row) => row.class_id);
  if (changed.length === 0) return [];
  await db.query('DELETE FROM dashboard.class_parents WHERE class_id = ANY($1::int[])', [changed]);
  await db.query('DELETE FROM dashboard.class_teachers WHERE class_id = ANY($1::int[])', [changed]);
  await db.query('DELETE FROM dashboard.class_rooms WHERE class_id = ANY($1::int[])', [changed]);
  await db.query(
    `INSERT INTO dashboard.class_parents (class_id, parent_id)
     SELECT DISTINCT e.class_id, i.original_id FROM crm.enrolments e
     JOIN crm.guardianships g ON g.student_id = e.student_id
     JOIN crm.identities i ON i.id = g.identity_id AND i.id_type = 'user_id'
     WHERE e.class_id = ANY($1::int[])`, [changed]);
  await db.query(
    `INSERT INTO dashboard.class_teachers (class_id, teacher_id)
     SELECT DISTINCT c.id, i.original_id FROM crm.classes c
     JOIN crm.staff s ON s.id IN (c.teacher_staff_id, c.head_teacher_staff_id)
     JOIN crm.identities i ON i.id = s.identity_id
     WHERE c.id = ANY($1::int[])`, [changed]);
  await db.query(
    `INSERT INTO dashboard.class_rooms (class_id, room_id)
     SELECT id, room_id FROM crm.classes WHERE room_id IS NOT NULL AND id = ANY($1::int[])`, [changed]);
  return changed;
}
