import { describe, expect, it } from 'vitest';
import { generateSchool, groupMembers, idKindOf, LEVELS, type DemoSchool } from '../src/index.ts';

const school: DemoSchool = generateSchool();

describe('generateSchool', () => {
  it('when called twice with the same seed, then both schools are identical', () => {
    // Arrange / Act
    const again = generateSchool({ seed: school.seed });

    // Assert
    expect(JSON.stringify(again)).toBe(JSON.stringify(school));
  });

  it('when called with another seed, then the school differs', () => {
    // Act
    const other = generateSchool({ seed: 7 });

    // Assert
    expect(other.parents[0]?.externalId).not.toBe(school.parents[0]?.externalId);
    expect(other.students.map((s) => s.name).join()).not.toBe(school.students.map((s) => s.name).join());
  });

  it('when generated, then the counts are those of a mid-sized school', () => {
    // Assert
    expect(school.classes.length).toBeGreaterThanOrEqual(55);
    expect(school.classes.length).toBeLessThanOrEqual(65);
    expect(school.staff.length).toBeGreaterThanOrEqual(25);
    expect(school.staff.length).toBeLessThanOrEqual(35);
    expect(school.students.length).toBeGreaterThanOrEqual(1_650);
    expect(school.students.length).toBeLessThanOrEqual(1_950);
    expect(school.parents.length).toBeGreaterThanOrEqual(1_850);
    expect(school.parents.length).toBeLessThanOrEqual(2_200);
    expect(school.bots.length).toBeGreaterThan(0);
    expect(school.otherGroups.some((g) => g.kind === 'internal_group')).toBe(true);
    expect(school.otherGroups.some((g) => g.kind === 'customer_group')).toBe(true);
  });

  it('when generated, then sections and levels match the seeded codes and every level has classes', () => {
    // Assert
    expect(school.levels.map((l) => `${l.code}:${l.name}:${l.sectionCode}`)).toEqual([
      'level_1:L1:section_1', 'level_2:L2:section_1', 'level_3:L3:section_1', 'level_4:L4:section_2', 'level_5:L5:section_2',
      'level_6:L6:section_3', 'level_7:L7:section_3',
    ]);
    expect(school.sections.map((s) => s.name)).toEqual(['一段', '二段', '三段']);
    for (const level of LEVELS) expect(school.classes.some((c) => c.levelCode === level.code)).toBe(true);
  });

  it('when generated, then classes look like the school\'s own: names, groups, schedules, staff', () => {
    // Arrange
    const staffIds = new Set(school.staff.map((s) => s.userId));
    const role = new Map(school.staff.map((s) => [s.userId, s.role]));

    // Assert
    for (const c of school.classes) {
      expect(c.name).toMatch(/^(\p{Script=Han}+\d+班|(Starters|Movers|Flyers|KET|PET)[寒暑]假班)$/u);
      expect(c.roomId).toMatch(/^wr[A-Za-z0-9_-]{20,30}$/);
      expect(c.startTime).toMatch(/^周[日一二三四五六]\d{1,2}:\d{2}$/);
      expect(c.endTime).toMatch(/^周[日一二三四五六]\d{1,2}:\d{2}$/);
      expect(c.courseProgress).not.toBe('');
      expect(role.get(c.teacherUserId)).toBe('teacher');
      expect(role.get(c.headTeacherUserId)).toBe('head_teacher');
      expect(staffIds.has(c.teacherUserId)).toBe(true);
    }
    expect(new Set(school.classes.map((c) => c.roomId)).size).toBe(school.classes.length);
    expect(new Set(school.classes.map((c) => c.name)).size).toBe(school.classes.length);
    expect(school.classes.some((c) => c.name === 'KET暑假班')).toBe(true);
  });

  it('when generated, then staff have pinyin-like internal ids, Chinese names and all three roles', () => {
    // Assert
    for (const s of school.staff) {
      expect(s.userId).toMatch(/^[A-Za-z][A-Za-z.]*\d*$/);
      expect(idKindOf(s.userId, 'user_id')).toBe('staff');
      expect(s.name).toMatch(/^\p{Script=Han}{2,4}$/u);
    }
    expect(new Set(school.staff.map((s) => s.userId)).size).toBe(school.staff.length);
    expect(new Set(school.staff.map((s) => s.role))).toEqual(new Set(['teacher', 'head_teacher', 'advisor']));
  });

  it('when generated, then students have Chinese names, mostly 在读, a few English names and a few two classes', () => {
    // Arrange
    const n = school.students.length;
    const share = (f: (s: DemoSchool['students'][number]) => boolean) => school.students.filter(f).length / n;

    // Assert
    for (const s of school.students) {
      expect(s.name).toMatch(/^\p{Script=Han}{2,4}$/u);
      expect(s.classKeys.length).toBeGreaterThan(0);
    }
    expect(share((s) => s.status === '在读')).toBeGreaterThan(0.8);
    expect(share((s) => s.status === '休学')).toBeGreaterThan(0.01);
    expect(share((s) => s.status === '已退费')).toBeGreaterThan(0.01);
    expect(share((s) => s.englishName !== null)).toBeGreaterThan(0.02);
    expect(share((s) => s.englishName !== null)).toBeLessThan(0.09);
    expect(school.students.filter((s) => s.classKeys.length > 1).length).toBeGreaterThanOrEqual(5);
    expect(share((s) => s.name.length === 2)).toBeGreaterThan(0.1);
    expect(share((s) => s.name.length === 3)).toBeGreaterThan(0.5);
  });

  it('when generated, then parents are external ids with nicknames, relations and children as in real families', () => {
    // Arrange
    const parentsPerStudent = new Map<string, number>();
    for (const p of school.parents) for (const g of p.children) parentsPerStudent.set(g.studentKey, (parentsPerStudent.get(g.studentKey) ?? 0) + 1);
    const wm = school.parents.filter((p) => /^wm[A-Za-z0-9_-]{20,28}$/.test(p.externalId)).length;
    const wo = school.parents.filter((p) => /^wo[A-Za-z0-9_-]{20,28}$/.test(p.externalId)).length;

    // Assert
    expect(wm + wo).toBe(school.parents.length);
    expect(wm / school.parents.length).toBeGreaterThan(0.9);
    expect(wo).toBeGreaterThan(0);
    expect(new Set(school.parents.map((p) => p.externalId)).size).toBe(school.parents.length);
    expect(new Set(school.parents.map((p) => p.relation))).toEqual(new Set(['mother', 'father', 'guardian', 'other']));
    expect(school.parents.filter((p) => p.children.length === 2).length).toBeGreaterThan(50);
    expect(school.parents.filter((p) => p.children.length === 1).length / school.parents.length).toBeGreaterThan(0.8);
    expect([...parentsPerStudent.values()].filter((n) => n === 2).length).toBeGreaterThan(100);
    expect(parentsPerStudent.size).toBe(school.students.length);
    for (const s of school.students) expect(parentsPerStudent.get(s.key)).toBeGreaterThan(0);
  });

  it('when generated, then some nicknames carry markup, ampersands and quotes that pages must escape', () => {
    // Arrange
    const nicknames = school.parents.map((p) => p.nickname);

    // Assert
    expect(nicknames.some((n) => n.includes('<script>'))).toBe(true);
    expect(nicknames.some((n) => n.includes('&'))).toBe(true);
    expect(nicknames.some((n) => n.includes('"') || n.includes("'"))).toBe(true);
    expect(nicknames.some((n) => /妈妈$/.test(n))).toBe(true);
    expect(nicknames.some((n) => /^[A-Za-z]+爸爸$/.test(n))).toBe(true);
    expect(nicknames.some((n) => /\p{Extended_Pictographic}/u.test(n))).toBe(true);
  });

  it('when generated, then about 70% of parents carry a business name and the rest are left unmapped', () => {
    // Act
    const mapped = school.parents.filter((p) => p.businessName !== null).length / school.parents.length;

    // Assert
    expect(mapped).toBeGreaterThan(0.64);
    expect(mapped).toBeLessThan(0.76);
  });

  it('when generated, then phones and ID numbers are obviously fake', () => {
    // Assert
    for (const p of school.parents) expect(p.phone).toMatch(/^1990000\d{4}$/);
    for (const s of school.students) if (s.nationalId) expect(s.nationalId.startsWith('999999')).toBe(true);
  });

  it('when group members are listed, then a class group holds its pupils\' parents, its teacher and head teacher', () => {
    // Arrange
    const members = groupMembers(school);
    const c = school.classes[0]!;
    const pupils = new Set(school.students.filter((s) => s.classKeys.includes(c.key)).map((s) => s.key));
    const parents = school.parents.filter((p) => p.children.some((g) => pupils.has(g.studentKey))).map((p) => p.externalId);

    // Act
    const list = members.get(c.roomId) ?? [];

    // Assert
    expect(list).toContain(c.teacherUserId);
    expect(list).toContain(c.headTeacherUserId);
    for (const id of parents) expect(list).toContain(id);
    expect(new Set(list).size).toBe(list.length);
    for (const g of school.otherGroups) expect(members.get(g.roomId)?.length).toBeGreaterThan(1);
  });

  it('when generated, then bots have wb ids and internal groups have ids that are not wr', () => {
    // Assert
    for (const b of school.bots) expect(idKindOf(b.externalId, 'user_id')).toBe('bot');
    for (const g of school.otherGroups) expect(idKindOf(g.roomId, 'room_id')).toBe(g.kind);
  });
});
