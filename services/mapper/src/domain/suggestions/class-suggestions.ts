import type { Suggestion } from '../../contract.ts';
import type { ClassRow, UnlinkedRoom } from '../../data-access/suggestion-repository.ts';
import type { RoomGuardianEvidence } from './room-guardian-evidence.ts';
import { CLASS_NAME_LEVEL_ORDER, matchClassName, type ClassNameMatchLevel } from './class-name-matcher.ts';
import { roundConfidence } from './ranking.ts';

const NAME_CONFIDENCE: Readonly<Record<ClassNameMatchLevel, number>> = { exact: 0.9, contains: 0.75, mascot: 0.55 };
const NAME_LEVEL_LABEL: Readonly<Record<ClassNameMatchLevel, string>> = { exact: '一致', contains: '包含班级名', mascot: '吉祥物和班号相同' };
// several classes fit the name equally well, and nothing else decides
const AMBIGUOUS_NAME_PENALTY = 0.35;
// name and members point at different classes
const DISAGREEMENT_PENALTY = 0.25;
// both point at the same class
const AGREEMENT_BONUS = 0.08;
// another group is an equally plausible home of the same class
const CONTESTED_CLASS_PENALTY = 0.2;

interface NameEvidence {
  level: ClassNameMatchLevel;
  text: string;
  classes: ClassRow[];
}

interface MemberEvidence {
  classId: number;
  guardians: number;
  roomGuardians: number;
  confidence: number;
}

function nameEvidence(room: UnlinkedRoom, classes: readonly ClassRow[]): NameEvidence | null {
  const texts = [room.businessName, room.wecomNickname].filter((text): text is string => Boolean(text?.trim()));
  for (const level of CLASS_NAME_LEVEL_ORDER) {
    for (const text of texts) {
      const matching = classes.filter((row) => matchClassName(text, row.name) === level);
      if (matching.length > 0) return { level, text, classes: matching };
    }
  }
  return null;
}

/**
 * Members are the strongest signal: when most of a group's parents with students are parents of one class's students,
 * the group is that class's. A few from several classes (a trial-lesson or summer-camp group) decide nothing.
 */
function memberEvidence(rows: readonly RoomGuardianEvidence[]): MemberEvidence | null {
  const best = [...rows].sort((a, b) => b.guardians - a.guardians || a.classId - b.classId)[0];
  if (!best || best.roomGuardians === 0) return null;
  const share = best.guardians / best.roomGuardians;
  let confidence = 0;
  if (best.guardians >= 3 && share >= 0.6) confidence = 0.8 + 0.15 * share;
  else if (best.guardians >= 2 && share >= 0.3) confidence = 0.6;
  return confidence > 0 ? { ...best, confidence } : null;
}

function className(row: ClassRow | undefined): string {
  return row ? `${row.levelName} ${row.name}` : '?';
}

function nameReason(names: NameEvidence, row: ClassRow): string {
  return `群名「${names.text}」与班级「${className(row)}」${NAME_LEVEL_LABEL[names.level]}`;
}

function memberReason(members: MemberEvidence, classesById: ReadonlyMap<number, ClassRow>): string {
  return `群内 ${members.roomGuardians} 位已关联学员的家长中，${members.guardians} 位的孩子在「${className(classesById.get(members.classId))}」`;
}

type Decision = { classId: number; confidence: number; reason: string };

/** The class a room's name and members point at: agreement raises confidence, ambiguity and disagreement lower it. */
function decide(names: NameEvidence | null, members: MemberEvidence | null, classesById: ReadonlyMap<number, ClassRow>): Decision | null {
  if (names && members && names.classes.some((row) => row.id === members.classId)) {
    return {
      classId: members.classId,
      confidence: Math.min(0.98, Math.max(NAME_CONFIDENCE[names.level], members.confidence) + AGREEMENT_BONUS),
      reason: `${nameReason(names, classesById.get(members.classId)!)}；${memberReason(members, classesById)}`,
    };
  }
  if (names && (!members || NAME_CONFIDENCE[names.level] >= members.confidence)) {
    const chosen = names.classes[0]!;
    const ambiguous = names.classes.length > 1;
    const decision = {
      classId: chosen.id,
      confidence: NAME_CONFIDENCE[names.level] - (ambiguous ? AMBIGUOUS_NAME_PENALTY : 0),
      reason: ambiguous
        ? `群名「${names.text}」可能是${names.classes.slice(0, 3).map((row) => `「${className(row)}」`).join('或')}，请核对`
        : nameReason(names, chosen),
    };
    return members
      ? { ...decision, confidence: decision.confidence - DISAGREEMENT_PENALTY, reason: `${decision.reason}；但${memberReason(members, classesById)}` }
      : decision;
  }
  if (!members) return null;
  const decision = { classId: members.classId, confidence: members.confidence, reason: memberReason(members, classesById) };
  return names
    ? { ...decision, confidence: decision.confidence - DISAGREEMENT_PENALTY, reason: `${decision.reason}；但${nameReason(names, names.classes[0]!)}` }
    : decision;
}

/** One proposal per room, or none. */
function roomSuggestion(
  room: UnlinkedRoom, names: NameEvidence | null, members: MemberEvidence | null, classesById: ReadonlyMap<number, ClassRow>,
): Suggestion | null {
  const decision = decide(names, members, classesById);
  if (!decision) return null;
  return {
    kind: 'class', idType: 'room_id', originalId: room.originalId, displayName: room.displayName ?? room.originalId,
    change: { classId: decision.classId }, confidence: roundConfidence(decision.confidence), reason: decision.reason,
  };
}

/**
 * Class proposals for customer groups not linked to a class, among the classes without a group. A class proposed for
 * several groups keeps its confidence only for the best of them.
 */
export function suggestClasses(
  rooms: readonly UnlinkedRoom[],
  context: { unlinkedClasses: readonly ClassRow[]; guardianEvidence: readonly RoomGuardianEvidence[]; classesById: ReadonlyMap<number, ClassRow> },
): Suggestion[] {
  if (context.unlinkedClasses.length === 0) return [];
  const evidenceByRoom = new Map<string, RoomGuardianEvidence[]>();
  for (const row of context.guardianEvidence) evidenceByRoom.set(row.roomId, [...(evidenceByRoom.get(row.roomId) ?? []), row]);
  const suggestions = rooms
    .map((room) => roomSuggestion(room, nameEvidence(room, context.unlinkedClasses), memberEvidence(evidenceByRoom.get(room.originalId) ?? []), context.classesById))
    .filter((suggestion): suggestion is Suggestion => suggestion !== null);
  return markContestedClasses(suggestions);
}

function classIdOf(suggestion: Suggestion): number {
  return (suggestion.change as { classId: number }).classId;
}

function markContestedClasses(suggestions: Suggestion[]): Suggestion[] {
  const byClass = new Map<number, Suggestion[]>();
  for (const suggestion of suggestions) byClass.set(classIdOf(suggestion), [...(byClass.get(classIdOf(suggestion)) ?? []), suggestion]);
  return suggestions.map((suggestion) => {
    const rivals = (byClass.get(classIdOf(suggestion)) ?? []).filter((other) => other !== suggestion);
    const best = rivals.every((other) => suggestion.confidence > other.confidence
      || (suggestion.confidence === other.confidence && suggestion.originalId < other.originalId));
    if (best) return suggestion;
    return {
      ...suggestion,
      confidence: roundConfidence(suggestion.confidence - CONTESTED_CLASS_PENALTY),
      reason: `${suggestion.reason}；另有群${rivals.map((other) => `「${other.displayName}」`).join('、')}也指向该班`,
    };
  });
}
