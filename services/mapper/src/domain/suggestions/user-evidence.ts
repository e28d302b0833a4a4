import type { ClassRow, OpenUser } from '../../data-access/suggestion-repository.ts';
import type { ActivityTotals } from './activity-totals.ts';

/** One open user id with where it was active: the class groups (by class) and its 1:1 chats. */
export interface UserEvidence {
  user: OpenUser;
  classActivity: Array<{ classId: number; sent: number; received: number }>;
  direct: { sent: number; received: number };
}

/** Built once per request and shared by the role and student rules. */
export function buildUserEvidence(users: readonly OpenUser[], totals: ActivityTotals, classByRoom: ReadonlyMap<string, ClassRow>): UserEvidence[] {
  return users.map((user) => {
    const evidence: UserEvidence = { user, classActivity: [], direct: { sent: 0, received: 0 } };
    for (const row of totals.byUser.get(user.originalId) ?? []) {
      if (row.roomId === null) {
        evidence.direct = { sent: row.sent, received: row.received };
        continue;
      }
      const linkedClass = classByRoom.get(row.roomId);
      if (linkedClass) evidence.classActivity.push({ classId: linkedClass.id, sent: row.sent, received: row.received });
    }
    return evidence;
  });
}

export function isExternal(user: OpenUser): boolean {
  return user.idKind === 'external_wechat' || user.idKind === 'external_wecom';
}

/** External contacts seen in a class group are parents as far as the data can tell (docs/original-doitcrm.md#people). */
export function isLikelyParent(evidence: UserEvidence): boolean {
  return isExternal(evidence.user) && evidence.user.staff === null && evidence.classActivity.length > 0;
}

export function classGroupTotals(evidence: UserEvidence): { classCount: number; sent: number; received: number } {
  return evidence.classActivity.reduce(
    (sum, row) => ({ classCount: sum.classCount + 1, sent: sum.sent + row.sent, received: sum.received + row.received }),
    { classCount: 0, sent: 0, received: 0 },
  );
}
