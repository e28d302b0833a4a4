import type { Queryable } from '@doitcrm/kit';
import type { Suggestion, SuggestionKind, SuggestionPage } from '../../contract.ts';
import {
  findClasses, findGuardianClasses, findOpenUsers, findRoster, findStaffIds, findUnlinkedRooms, type ClassRow, type RosterEntry,
} from '../../data-access/suggestion-repository.ts';
import { readActivityTotals, type ActivitySource, type ActivityTotals } from './activity-totals.ts';
import { topStaffSpeakersWithoutHeadTeacher } from './class-group-speakers.ts';
import { suggestClasses } from './class-suggestions.ts';
import { decodeCursor, pageOf, rankSuggestions } from './ranking.ts';
import { roomGuardianEvidence } from './room-guardian-evidence.ts';
import { suggestRoles } from './role-suggestions.ts';
import { suggestStudents } from './student-suggestions.ts';
import { buildUserEvidence, type UserEvidence } from './user-evidence.ts';

export interface SuggestQuery {
  kind?: SuggestionKind;
  /** 1–200, default 50 */
  limit?: number;
  /** nextCursor of the previous page */
  cursor?: string;
}


export const DEFAULT_SUGGESTION_LIMIT = 50;
export const MAX_SUGGESTION_LIMIT = 200;

interface SchoolView {
  classes: readonly ClassRow[];
  classesById: ReadonlyMap<number, ClassRow>;
  totals: ActivityTotals;
}

/**
 * Proposals for what the mapping still lacks (a role, a parent's student, a group's class), best first, one page at
 * a time. Read-only: accepting goes through the mapping endpoints. The mapping side (roles, students, class links) is
 * read afresh on every call, so a proposal disappears as soon as what it proposes is set; activity comes from
 * `options.activity` (the HTTP route passes a cache; by default it is read exactly, which is slow on a big archive).
 */
export async function suggest(db: Queryable, query: SuggestQuery = {}, options: { activity?: ActivitySource } = {}): Promise<SuggestionPage> {
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  const limit = Math.min(MAX_SUGGESTION_LIMIT, Math.max(1, Math.floor(query.limit ?? DEFAULT_SUGGESTION_LIMIT)));
  const wants = (kind: SuggestionKind) => !query.kind || query.kind === kind;

  const [classes, totals] = await Promise.all([findClasses(db), (options.activity ?? readActivityTotals)(db)]);
  const school: SchoolView = { classes, classesById: new Map(classes.map((row) => [row.id, row])), totals };
  const [userSuggestions, classSuggestions] = await Promise.all([
    wants('role') || wants('student') ? suggestForUsers(db, school, { role: wants('role'), student: wants('student') }) : [],
    wants('class') ? suggestForRooms(db, school) : [],
  ]);
  return pageOf(rankSuggestions([...userSuggestions, ...classSuggestions]), { limit, cursor });
}

async function suggestForUsers(db: Queryable, school: SchoolView, kinds: { role: boolean; student: boolean }): Promise<Suggestion[]> {
  const classByRoom = new Map(school.classes.filter((row) => row.roomId !== null).map((row) => [row.roomId!, row]));
  const evidence = buildUserEvidence(await findOpenUsers(db), school.totals, classByRoom);
  const [staffIds, rosterByClass] = await Promise.all([
    kinds.role ? findStaffIds(db) : new Set<string>(),
    kinds.student ? loadRosterByClass(db, evidence) : new Map<number, RosterEntry[]>(),
  ]);
  const topSpeakers = kinds.role ? topStaffSpeakersWithoutHeadTeacher(school.classes, school.totals, staffIds) : [];
  return [
    ...(kinds.role ? suggestRoles(evidence, { topSpeakers, classesById: school.classesById }) : []),
    ...(kinds.student ? suggestStudents(evidence, { rosterByClass, classesById: school.classesById }) : []),
  ];
}

/** Only the classes some open user was active in: their students are the only ones a nickname is matched against. */
async function loadRosterByClass(db: Queryable, evidence: readonly UserEvidence[]): Promise<Map<number, RosterEntry[]>> {
  const classIds = [...new Set(evidence.flatMap((item) => item.classActivity.map((row) => row.classId)))];
  const byClass = new Map<number, RosterEntry[]>();
  for (const entry of await findRoster(db, classIds)) {
    const list = byClass.get(entry.classId) ?? [];
    list.push(entry);
    byClass.set(entry.classId, list);
  }
  return byClass;
}

async function suggestForRooms(db: Queryable, school: SchoolView): Promise<Suggestion[]> {
  const unlinkedClasses = school.classes.filter((row) => row.roomId === null && row.isActive);
  if (unlinkedClasses.length === 0) return [];
  const [rooms, guardianClasses] = await Promise.all([findUnlinkedRooms(db), findGuardianClasses(db)]);
  const guardianEvidence = roomGuardianEvidence(rooms, school.totals, guardianClasses, new Set(unlinkedClasses.map((row) => row.id)));
  return suggestClasses(rooms, { unlinkedClasses, guardianEvidence, classesById: school.classesById });
}
