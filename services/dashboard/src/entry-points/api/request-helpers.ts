import type { Request } from 'express';
import type { ClassFilter } from '../../data-access/class-filter.ts';

/** What links to the messages page are built from: the host the viewer typed. */
export const originOf = (req: Request) => ({ protocol: req.protocol, hostname: req.hostname });

export function classFilterOf(query: { sectionId?: number | undefined; levelId?: number | undefined; teacherId?: number | undefined; search?: string | undefined;
  section_id?: number | undefined; level_id?: number | undefined; classId?: number | undefined }): ClassFilter {
  return {
    sectionId: query.sectionId ?? query.section_id,
    levelId: query.levelId ?? query.level_id,
    teacherStaffId: query.teacherId,
    search: query.search,
    classId: query.classId,
  };
}

/** Whose data a list of alerts shows, for its audit row: the alerts, and the parents and students they name. */
export function alertSubjects(alerts: ReadonlyArray<{ id: number; evidence: Record<string, unknown> }>): { alerts: number[]; people: string[]; students: number[] } {
  const people = new Set<string>();
  const students = new Set<number>();
  for (const { evidence } of alerts) {
    if (typeof evidence.parentId === 'string') people.add(evidence.parentId);
    if (typeof evidence.studentId === 'number') students.add(evidence.studentId);
  }
  return { alerts: alerts.map((alert) => alert.id), people: [...people], students: [...students] };
}
