import type { ClassRow } from '../../data-access/suggestion-repository.ts';
import type { ActivityTotals } from './activity-totals.ts';

/** Per class group whose class has no head teacher: the staff id (other than the class's teacher) who sent most there. */
export interface TopStaffSpeaker {
  classId: number;
  originalId: string;
  sent: number;
}

export function topStaffSpeakersWithoutHeadTeacher(
  classes: readonly ClassRow[], totals: ActivityTotals, staffIds: ReadonlySet<string>,
): TopStaffSpeaker[] {
  const speakers: TopStaffSpeaker[] = [];
  for (const row of classes) {
    if (!row.roomId || row.headTeacherStaffId !== null || !row.isActive) continue;
    const best = (totals.byRoom.get(row.roomId) ?? [])
      .filter((member) => member.sent > 0 && staffIds.has(member.originalId) && member.originalId !== row.teacherOriginalId)
      .sort((a, b) => b.sent - a.sent || (a.originalId < b.originalId ? -1 : 1))[0];
    if (best) speakers.push({ classId: row.id, originalId: best.originalId, sent: best.sent });
  }
  return speakers;
}
