import type { Suggestion } from '../../contract.ts';
import type { ClassRow, StaffRole } from '../../data-access/suggestion-repository.ts';
import type { TopStaffSpeaker } from './class-group-speakers.ts';
import { parseGuardianName } from './guardian-name-parser.ts';
import { roundConfidence } from './ranking.ts';
import { classGroupTotals, isLikelyParent, type UserEvidence } from './user-evidence.ts';

export const STAFF_ROLE_LABEL: Readonly<Record<StaffRole, string>> = { teacher: '老师', head_teacher: '班主任', advisor: '服务顾问' };

// a teacher's own group hears from them every lesson; a few messages can be anyone (an advisor greeting a class)
const TEACHER_MIN_SENT_IN_CLASS_GROUPS = 20;

const LINKED_STAFF_CONFIDENCE = 0.95;
const INACTIVE_STAFF_CONFIDENCE = 0.8;
const HEAD_TEACHER_CONFIDENCE = 0.55;

function roleSuggestion(evidence: UserEvidence, change: Suggestion['change'], confidence: number, reason: string): Suggestion {
  const { user } = evidence;
  return {
    kind: 'role', idType: 'user_id', originalId: user.originalId, displayName: user.displayName ?? user.originalId,
    change, confidence: roundConfidence(confidence), reason,
  };
}

/** External ids in class groups: clearer the more they took part (read only < spoke), 1:1 chats and a parent-like name add. */
function parentSuggestion(evidence: UserEvidence): Suggestion {
  const { classCount, sent, received } = classGroupTotals(evidence);
  const reasons = [sent > 0
    ? `在 ${classCount} 个班级群中发言 ${sent} 次，是外部联系人`
    : `在 ${classCount} 个班级群中（未发言，收到 ${received} 条），是外部联系人`];
  let confidence = sent > 0 ? 0.85 : 0.7;
  const directMessages = evidence.direct.sent + evidence.direct.received;
  if (directMessages > 0) {
    confidence += 0.05;
    reasons.push(`与老师有 ${directMessages} 条私聊`);
  }
  const { user } = evidence;
  const parentLikeName = [user.businessName, user.wecomNickname].find((name) => parseGuardianName(name) !== null);
  if (parentLikeName) {
    confidence += 0.03;
    reasons.push(`名称「${parentLikeName}」像家长称呼`);
  }
  return roleSuggestion(evidence, { userRole: 'parent' }, confidence, reasons.join('；'));
}

function linkedStaffSuggestion(evidence: UserEvidence, staff: NonNullable<UserEvidence['user']['staff']>): Suggestion {
  const change = evidence.user.businessName?.trim() || !staff.name ? { userRole: staff.role } : { userRole: staff.role, businessName: staff.name };
  const inactive = staff.isActive ? '' : '（已停用）';
  return roleSuggestion(evidence, change, staff.isActive ? LINKED_STAFF_CONFIDENCE : INACTIVE_STAFF_CONFIDENCE,
    `教职工名单中的${staff.name}${inactive}，岗位为${STAFF_ROLE_LABEL[staff.role]}`);
}

/**
 * Role proposals for ids without a role: external ids in class groups → parent; staff ids on the staff list → that
 * role; other staff ids → head teacher when they lead a class group that has none, teacher when they speak in class
 * groups a lot. Bots never get a role.
 */
export function suggestRoles(
  evidence: readonly UserEvidence[],
  context: { topSpeakers: readonly TopStaffSpeaker[]; classesById: ReadonlyMap<number, ClassRow> },
): Suggestion[] {
  const leadsClassWithoutHead = new Map<string, TopStaffSpeaker[]>();
  for (const speaker of context.topSpeakers) {
    leadsClassWithoutHead.set(speaker.originalId, [...(leadsClassWithoutHead.get(speaker.originalId) ?? []), speaker]);
  }
  const suggestions: Suggestion[] = [];
  for (const item of evidence) {
    const { user } = item;
    if (user.userRole !== null) continue;
    if (user.staff) {
      suggestions.push(linkedStaffSuggestion(item, user.staff));
    } else if (isLikelyParent(item)) {
      suggestions.push(parentSuggestion(item));
    } else if (user.idKind === 'staff') {
      const suggestion = unlistedStaffSuggestion(item, leadsClassWithoutHead.get(user.originalId) ?? [], context.classesById);
      if (suggestion) suggestions.push(suggestion);
    }
  }
  return suggestions;
}

function unlistedStaffSuggestion(
  evidence: UserEvidence, leads: readonly TopStaffSpeaker[], classesById: ReadonlyMap<number, ClassRow>,
): Suggestion | null {
  const { classCount, sent } = classGroupTotals(evidence);
  if (leads.length > 0) {
    const names = leads.map((lead) => `「${classesById.get(lead.classId)?.name ?? lead.classId}」（${lead.sent} 次）`).join('、');
    return roleSuggestion(evidence, { userRole: 'head_teacher' }, HEAD_TEACHER_CONFIDENCE,
      `企业成员，在班级群${names}中发言最多，该班尚未登记班主任`);
  }
  if (sent < TEACHER_MIN_SENT_IN_CLASS_GROUPS) return null;
  // one busy group could be an advisor's; several read like a teacher's timetable
  const confidence = 0.6 + Math.min(0.15, 0.05 * (classCount - 1));
  return roleSuggestion(evidence, { userRole: 'teacher' }, confidence, `企业成员，在 ${classCount} 个班级群中发言 ${sent} 次`);
}
