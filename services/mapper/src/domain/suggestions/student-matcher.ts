import type { ParsedGuardianName } from './guardian-name-parser.ts';

/** How the name in a nickname meets a roster name, best first. */
export type NameMatchLevel = 'full' | 'given' | 'english' | 'pet';

export const MATCH_LEVEL_ORDER: readonly NameMatchLevel[] = ['full', 'given', 'english', 'pet'];

export const MATCH_LEVEL_LABEL: Readonly<Record<NameMatchLevel, string>> = {
  full: '全名一致', given: '名字一致', english: '英文名一致', pet: '小名相符',
};

export interface RosterName {
  name: string;
  englishName: string | null;
}

const COMPOUND_SURNAMES = new Set([
  '欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '令狐', '端木', '申屠', '西门',
]);

/** The roster sometimes prefixes the English nickname to the Chinese name ("Tom王小明", docs/original-doitcrm.md#student-names). */
function splitRosterName(student: RosterName): { han: string; english: string[] } {
  const prefixed = /^([A-Za-z]+)\s*(\p{Script=Han}.*)$/u.exec(student.name.trim());
  const han = prefixed ? prefixed[2]! : student.name.trim();
  const english = [student.englishName, prefixed?.[1]]
    .filter((name): name is string => Boolean(name && name.trim()))
    .map((name) => name.trim().toLowerCase());
  return { han, english };
}

function givenName(han: string): string {
  const surnameLength = han.length >= 3 && COMPOUND_SURNAMES.has(han.slice(0, 2)) ? 2 : 1;
  return han.slice(surnameLength);
}

/** The best level at which the parsed child names this student, or null when it does not. */
export function matchStudentName(parsed: ParsedGuardianName, student: RosterName): NameMatchLevel | null {
  const { han, english } = splitRosterName(student);
  if (parsed.script === 'latin') return english.includes(parsed.child.toLowerCase()) ? 'english' : null;
  if (han.length >= 2 && parsed.child === han) return 'full';
  const given = givenName(han);
  if (given.length > 0 && parsed.child === given) return 'given';
  // what families call a child with a two-character given name: "小涵" or "涵涵" for 王梓涵
  const last = given.slice(-1);
  if (given.length >= 2 && (parsed.child === `小${last}` || parsed.child === `${last}${last}`)) return 'pet';
  return null;
}
