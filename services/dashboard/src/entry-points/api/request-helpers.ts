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
