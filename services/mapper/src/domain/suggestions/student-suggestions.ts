import type { GuardianRelation } from '@doitcrm/types';
import type { MappingChange, Suggestion } from '../../contract.ts';
import type { ClassRow, RosterEntry } from '../../data-access/suggestion-repository.ts';
import { businessRelationWord, parseGuardianName, type ParsedGuardianName } from './guardian-name-parser.ts';
import { roundConfidence } from './ranking.ts';
import { MATCH_LEVEL_LABEL, MATCH_LEVEL_ORDER, matchStudentName, type NameMatchLevel } from './student-matcher.ts';
import { isLikelyParent, type UserEvidence } from './user-evidence.ts';

// a full name is unmistakable within a parent's few classes; a pet name ("小涵") is a guess; several matches, a coin toss
const CONFIDENCE: Readonly<Record<NameMatchLevel, { single: number; ambiguous: number }>> = {
  full: { single: 0.9, ambiguous: 0.5 },
  given: { single: 0.8, ambiguous: 0.45 },
  english: { single: 0.75, ambiguous: 0.4 },
  pet: { single: 0.6, ambiguous: 0.3 },
};

const RELATION_LABEL: Readonly<Record<GuardianRelation, string>> = { mother: '母亲', father: '父亲', guardian: '祖辈/监护人', other: '其他家长' };

/** A parent's name read from one of its two texts: staff's business name is more deliberate than the nickname. */
interface NameSource {
  label: '业务称呼' | '昵称';
  text: string;
  parsed: ParsedGuardianName;
}

interface Candidate {
  student: RosterEntry;
  /** the parent's activity in the student's classes: picks among equally good matches */
  activity: number;
  classNames: string[];
}

function nameSources(evidence: UserEvidence): NameSource[] {
  const sources: NameSource[] = [];
  for (const [label, text] of [['业务称呼', evidence.user.businessName], ['昵称', evidence.user.wecomNickname]] as const) {
    const parsed = parseGuardianName(text);
    if (text && parsed) sources.push({ label, text, parsed });
  }
  return sources;
}

/** The parent's roster: students enrolled in the classes whose groups the parent was active in. */
function rosterOf(evidence: UserEvidence, rosterByClass: ReadonlyMap<number, RosterEntry[]>, classesById: ReadonlyMap<number, ClassRow>): Candidate[] {
  const byStudent = new Map<number, Candidate>();
  for (const row of evidence.classActivity) {
    for (const student of rosterByClass.get(row.classId) ?? []) {
      const candidate = byStudent.get(student.studentId) ?? { student, activity: 0, classNames: [] };
      candidate.activity += row.sent + row.received;
      candidate.classNames.push(classesById.get(row.classId)?.name ?? String(row.classId));
      byStudent.set(student.studentId, candidate);
    }
  }
  return [...byStudent.values()];
}

function studentLabel(candidate: Candidate): string {
  const status = candidate.student.status === '在读' ? '' : `，${candidate.student.status}`;
  return `${candidate.student.name}（${candidate.classNames.join('、')}${status}）`;
}

/**
 * Student proposals for parents (set, or proposed by the role rule) without a student: the child named in the
 * business name or nickname, found among the students of the classes whose groups the parent is in. No roster match,
 * no proposal; several equally good matches give a low-confidence proposal that names them all.
 */
export function suggestStudents(
  evidence: readonly UserEvidence[],
  context: { rosterByClass: ReadonlyMap<number, RosterEntry[]>; classesById: ReadonlyMap<number, ClassRow> },
): Suggestion[] {
  const suggestions: Suggestion[] = [];
  for (const item of evidence) {
    const { user } = item;
    const parent = user.userRole === 'parent' || (user.userRole === null && isLikelyParent(item));
    if (!parent || user.hasStudents) continue;
    const sources = nameSources(item);
    if (sources.length === 0) continue;
    const suggestion = bestMatch(item, sources, rosterOf(item, context.rosterByClass, context.classesById));
    if (suggestion) suggestions.push(suggestion);
  }
  return suggestions;
}

function bestMatch(evidence: UserEvidence, sources: readonly NameSource[], roster: readonly Candidate[]): Suggestion | null {
  for (const level of MATCH_LEVEL_ORDER) {
    for (const source of sources) {
      const matches = roster
        .filter((candidate) => matchStudentName(source.parsed, candidate.student) === level)
        .sort((a, b) => b.activity - a.activity || a.student.studentId - b.student.studentId);
      if (matches.length > 0) return studentSuggestion(evidence, source, level, matches);
    }
  }
  return null;
}

function studentSuggestion(evidence: UserEvidence, source: NameSource, level: NameMatchLevel, matches: readonly Candidate[]): Suggestion {
  const { user } = evidence;
  const chosen = matches[0]!;
  const { parsed } = source;
  const change: MappingChange = {
    ...(user.userRole === null ? { userRole: 'parent' as const } : {}),
    ...(user.businessName?.trim() ? {} : { businessName: `${chosen.student.name}${businessRelationWord(parsed)}` }),
    students: [{ studentId: chosen.student.studentId, relation: parsed.relation, isPrimary: !chosen.student.hasPrimaryGuardian }],
  };
  const relation = `关系：${parsed.word}（${RELATION_LABEL[parsed.relation]}）`;
  const reason = matches.length === 1
    ? `${source.label}「${source.text}」中的「${parsed.child}」与学员${studentLabel(chosen)}${MATCH_LEVEL_LABEL[level]}；${relation}`
    : `${source.label}「${source.text}」中的「${parsed.child}」可能是${matches.slice(0, 3).map(studentLabel).join('或')}`
      + `${matches.length > 3 ? `等 ${matches.length} 人` : ''}，请核对；${relation}`;
  const confidence = matches.length === 1 ? CONFIDENCE[level].single : CONFIDENCE[level].ambiguous;
  return {
    kind: 'student', idType: 'user_id', originalId: user.originalId, displayName: user.displayName ?? user.originalId,
    change, confidence: roundConfidence(confidence), reason,
  };
}
