import type { GuardianClass, UnlinkedRoom } from '../../data-access/suggestion-repository.ts';
import type { ActivityTotals } from './activity-totals.ts';

/**
 * Per room and candidate class: how many of the room's active external members are guardians of a student enrolled in
 * that class, out of how many of its active members are guardians of anyone (the share's denominator).
 */
export interface RoomGuardianEvidence {
  roomId: string;
  classId: number;
  guardians: number;
  roomGuardians: number;
}

export function roomGuardianEvidence(
  rooms: readonly UnlinkedRoom[], totals: ActivityTotals, guardianClasses: readonly GuardianClass[], candidateClassIds: ReadonlySet<number>,
): RoomGuardianEvidence[] {
  const classesOfGuardian = new Map<string, Set<number>>();
  for (const row of guardianClasses) {
    const classes = classesOfGuardian.get(row.originalId) ?? new Set<number>();
    if (row.classId !== null) classes.add(row.classId);
    classesOfGuardian.set(row.originalId, classes);
  }
  const evidence: RoomGuardianEvidence[] = [];
  for (const room of rooms) {
    const guardiansByClass = new Map<number, number>();
    let roomGuardians = 0;
    for (const member of totals.byRoom.get(room.originalId) ?? []) {
      const classes = classesOfGuardian.get(member.originalId);
      if (!classes) continue;
      roomGuardians += 1;
      for (const classId of classes) {
        if (candidateClassIds.has(classId)) guardiansByClass.set(classId, (guardiansByClass.get(classId) ?? 0) + 1);
      }
    }
    for (const [classId, guardians] of guardiansByClass) evidence.push({ roomId: room.originalId, classId, guardians, roomGuardians });
  }
  return evidence;
}
