import type { Queryable } from '@doitcrm/kit';
import type { HierarchyLevel, HierarchySection } from '../contract.ts';

/** 段 → 阶 → 班级 of the active classes, with teachers' names and enrolled (在读) students. */
export async function readHierarchy(db: Queryable): Promise<HierarchySection[]> {
  const { rows } = await db.query(
    `SELECT s.id AS section_id, s.name AS section_name, s.sort_order AS section_order,
            l.id AS level_id, l.name AS level_name, l.sort_order AS level_order,
            c.id AS class_id, c.name AS class_name, c.room_id, t.name AS teacher, h.name AS head_teacher,
            (SELECT count(*) FROM crm.enrolments e WHERE e.class_id = c.id AND e.status = '在读')::int AS student_count
     FROM crm.sections s
     JOIN crm.levels l ON l.section_id = s.id AND l.is_active
     LEFT JOIN crm.classes c ON c.level_id = l.id AND c.is_active
     LEFT JOIN crm.staff t ON t.id = c.teacher_staff_id
     LEFT JOIN crm.staff h ON h.id = c.head_teacher_staff_id
     WHERE s.is_active
     ORDER BY s.sort_order, l.sort_order, c.name, c.id`,
  );
  const sections: HierarchySection[] = [];
  for (const row of rows) {
    let section: HierarchySection | undefined = sections.at(-1);
    if (!section || section.sectionId !== row.section_id) {
      section = { sectionId: row.section_id, sectionName: row.section_name, sectionOrder: row.section_order, levels: [] };
      sections.push(section);
    }
    let level: HierarchyLevel | undefined = section.levels.at(-1);
    if (!level || level.levelId !== row.level_id) {
      level = { levelId: row.level_id, levelName: row.level_name, levelOrder: row.level_order, classes: [] };
      section.levels.push(level);
    }
    if (row.class_id !== null) {
      level.classes.push({
        classId: row.class_id, className: row.class_name, roomId: row.room_id, teacher: row.teacher, headTeacher: row.head_teacher,
        studentCount: row.student_count,
      });
    }
  }
  return sections;
}

/** Staff who teach or head an active class: the page's teacher filter. */
export async function readTeachers(db: Queryable): Promise<Array<{ staffId: number; name: string }>> {
  const { rows } = await db.query(
    `SELECT DISTINCT s.id, s.name FROM crm.staff s JOIN crm.classes c ON s.id IN (c.teacher_staff_id, c.head_teacher_staff_id)
     WHERE c.is_active ORDER BY s.name, s.id`);
  return rows.map((row) => ({ staffId: row.id, name: row.name }));
}
