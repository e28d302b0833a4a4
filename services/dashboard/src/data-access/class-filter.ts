/** Which classes a list shows: 段, 阶, a teacher (either role), a search over class and teacher names. */
export interface ClassFilter {
  sectionId?: number | undefined;
  levelId?: number | undefined;
  teacherStaffId?: number | undefined;
  search?: string | undefined;
  classId?: number | undefined;
}

/**
 * The active classes a filter selects, with their 段 阶 and teachers' names (from the people, not id columns),
 * as the SQL of a CTE named `cls`; parameters start at `first`.
 */
export function classesCte(filter: ClassFilter, first: number): { sql: string; values: unknown[] } {
  const p = (offset: number) => `$${first + offset}`;
  return {
    sql: `cls AS (
      SELECT c.id AS class_id, c.name AS class_name, c.room_id, c.start_time, c.end_time, c.course_progress, c.promotion,
             s.id AS section_id, s.name AS section_name, s.sort_order AS section_order,
             l.id AS level_id, l.name AS level_name, l.sort_order AS level_order,
             t.name AS teacher, h.name AS head_teacher
      FROM crm.classes c
      JOIN crm.levels l ON l.id = c.level_id
      JOIN crm.sections s ON s.id = l.section_id
      LEFT JOIN crm.staff t ON t.id = c.teacher_staff_id
      LEFT JOIN crm.staff h ON h.id = c.head_teacher_staff_id
      WHERE c.is_active
        AND (${p(0)}::int IS NULL OR s.id = ${p(0)})
        AND (${p(1)}::int IS NULL OR l.id = ${p(1)})
        AND (${p(2)}::int IS NULL OR ${p(2)} IN (c.teacher_staff_id, c.head_teacher_staff_id))
        AND (${p(3)}::text IS NULL OR strpos(lower(c.name || ' ' || coalesce(t.name, '') || ' ' || coalesce(h.name, '')), lower(${p(3)})) > 0)
        AND (${p(4)}::int IS NULL OR c.id = ${p(4)}))`,
    values: [filter.sectionId ?? null, filter.levelId ?? null, filter.teacherStaffId ?? null, filter.search || null, filter.classId ?? null],
  };
}
