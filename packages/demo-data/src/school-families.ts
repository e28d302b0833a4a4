import type { GuardianRelation } from '@doitcrm/types';
import { hashUnit, type Rng } from './random.ts';
import {
  adultName, address, childCallName, childName, fakePhone, parentNickname, pickSurname, placeholderNationalId,
  relationWord, schoolName,
} from './names.ts';
import { ENGLISH_NAMES } from './name-tables.ts';
import { levelNumber } from './hierarchy.ts';
import type { DemoClass, DemoParent, DemoStaff, DemoStudent, StudentStatus } from './school-types.ts';

/** Most parents of one corp's customers share the first characters of their external id. */
const CORP_EXTERNAL_PREFIX_LENGTH = 6;

function pickStatus(rng: Rng): StudentStatus {
  const r = rng.float();
  return r < 0.88 ? '在读' : r < 0.93 ? '休学' : '已退费';
}

/** Staff write the business name the same way every time: "<child>妈妈". */
function businessWord(rng: Rng, relation: GuardianRelation): string {
  if (relation === 'mother') return '妈妈';
  if (relation === 'father') return '爸爸';
  return relationWord(rng, relation);
}

function pickRelation(rng: Rng): GuardianRelation {
  const r = rng.float();
  return r < 0.72 ? 'mother' : r < 0.9 ? 'father' : r < 0.97 ? 'guardian' : 'other';
}

/**
 * Activity of a parent: about 38% are quiet, and half of those (one parent in five) never write anything (they only
 * read the class group) while the other half write now and then; the rest follow a capped Pareto law, so a handful
 * of parents write a large share of all parent messages. A quiet parent's activity comes from a hash of the parent's
 * number, not from `rng`, so every other value of the school stays as it was before quiet parents were told apart
 * from silent ones.
 */
function parentActivity(rng: Rng, parentIndex: number): number {
  if (rng.chance(0.38)) {
    const quiet = hashUnit(QUIET_PARENT_HASH, parentIndex);
    return quiet < 1 / 2 ? 0 : quiet;
  }
  return Math.min(80, Math.pow(1 - rng.float(), -1 / 1.3));
}
const QUIET_PARENT_HASH = 0x51e17;

export function generateFamilies(
  rng: Rng,
  classes: readonly DemoClass[],
  staff: readonly DemoStaff[],
): { students: DemoStudent[]; parents: DemoParent[] } {
  const advisors = staff.filter((s) => s.role === 'advisor');
  const classByKey = new Map(classes.map((c) => [c.key, c]));
  const seats: string[] = [];
  for (const c of classes) {
    if (c.holidaySeason) continue;
    const size = rng.range(26, 38);
    for (let i = 0; i < size; i++) seats.push(c.key);
  }
  rng.shuffle(seats);

  const students: DemoStudent[] = [];
  const parents: DemoParent[] = [];
  const takenIds = new Set<string>();
  const corpPrefix = rng.alnum(CORP_EXTERNAL_PREFIX_LENGTH);
  const externalId = (): string => {
    for (;;) {
      const r = rng.float();
      const id = r < 0.04
        ? `wo${rng.alnum(rng.range(20, 28))}`
        : r < 0.14
          ? `wm${rng.base64(rng.range(20, 28))}`
          : `wm${corpPrefix}${rng.base64(rng.range(14, 22))}`;
      if (!takenIds.has(id)) {
        takenIds.add(id);
        return id;
      }
    }
  };

  let seat = 0;
  while (seat < seats.length) {
    const familySurname = pickSurname(rng);
    const childCount = rng.chance(0.11) && seat + 1 < seats.length ? 2 : 1;
    const familyAddress = rng.chance(0.57) ? address(rng) : null;
    const family: DemoStudent[] = [];
    for (let i = 0; i < childCount; i++) {
      const classKey = seats[seat++] as string;
      const level = levelNumber((classByKey.get(classKey) as DemoClass).levelCode);
      const surname = rng.chance(0.96) ? familySurname : pickSurname(rng);
      const name = childName(rng, surname);
      const englishName = rng.chance(0.05) ? rng.pick(ENGLISH_NAMES) : null;
      const student: DemoStudent = {
        key: `S${String(students.length + 1).padStart(4, '0')}`,
        name,
        englishName,
        callName: childCallName(rng, name, surname, englishName),
        status: pickStatus(rng),
        classKeys: [classKey],
        school: rng.chance(0.58) ? schoolName(rng) : null,
        address: familyAddress,
        nationalId: rng.chance(0.61) ? placeholderNationalId(rng, 2020 - level + rng.range(-1, 0)) : null,
      };
      students.push(student);
      family.push(student);
    }

    const first = family[0] as DemoStudent;
    const relations: GuardianRelation[] = [pickRelation(rng)];
    if (rng.chance(0.2)) relations.push(relations[0] === 'mother' ? 'father' : 'mother');
    relations.forEach((relation, index) => {
      const male = relation === 'father' || ((relation === 'guardian' || relation === 'other') && rng.chance(0.3));
      const adult = adultName(rng, male ? 'm' : 'f', relation === 'father' ? familySurname : pickSurname(rng));
      const mapped = rng.chance(0.7);
      parents.push({
        externalId: externalId(),
        nickname: parentNickname(rng, {
          childFullName: first.name, childCall: first.callName, englishName: first.englishName, adult: adult.name, relation,
        }),
        name: adult.name,
        relation,
        children: family.map((s) => ({ studentKey: s.key, isPrimary: index === 0 })),
        phone: fakePhone(parents.length),
        businessName: mapped ? `${first.name}${businessWord(rng, relation)}` : null,
        activity: parentActivity(rng, parents.length),
        advisorUserId: rng.pick(advisors).userId,
      });
    });
  }

  enrolHolidayClasses(rng, classes, students);
  enrolSomeTwice(rng, classes, students, classByKey);
  return { students, parents };
}

/** Holiday-course pupils come from the regular classes around the course's level. */
function enrolHolidayClasses(rng: Rng, classes: readonly DemoClass[], students: DemoStudent[]): void {
  const levelOf = new Map(classes.map((c) => [c.key, levelNumber(c.levelCode)]));
  for (const holiday of classes.filter((c) => c.holidaySeason)) {
    const level = levelNumber(holiday.levelCode);
    const pool = students.filter((s) => s.status === '在读' && Math.abs((levelOf.get(s.classKeys[0] as string) ?? 0) - level) <= 1);
    const size = rng.range(12, 20);
    for (const s of rng.shuffle(pool).slice(0, size)) s.classKeys.push(holiday.key);
  }
}

/** A few children attend a second regular class of their level (extra lesson or trial of another slot). */
function enrolSomeTwice(rng: Rng, classes: readonly DemoClass[], students: DemoStudent[], byKey: Map<string, DemoClass>): void {
  for (let i = 0; i < 8; i++) {
    const s = rng.pick(students);
    if (s.classKeys.length > 1 || s.status !== '在读') continue;
    const own = byKey.get(s.classKeys[0] as string) as DemoClass;
    const others = classes.filter((c) => !c.holidaySeason && c.levelCode === own.levelCode && c.key !== own.key);
    if (others.length > 0) s.classKeys.push(rng.pick(others).key);
  }
}
