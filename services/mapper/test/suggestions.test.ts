import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@doitcrm/kit/testing';
import { generateSchool, loadSchool, type DemoParent } from '@doitcrm/demo-data';
import type { Suggestion } from '../src/contract.ts';
import { suggest } from '../src/domain/suggestions/index.ts';
import { addActivity, addRoom, addStudent, addUser, allSuggestions, classByName, suggestionFor } from './suggestions-factory.ts';

const school = generateSchool();
const db = useTestDatabase({ max: 4 });

beforeAll(async () => {
  await loadSchool(db.pool, school);
});

async function identityId(originalId: string): Promise<number> {
  const { rows } = await db.pool.query<{ id: number }>("SELECT id FROM crm.identities WHERE id_type = 'user_id' AND original_id = $1", [originalId]);
  return rows[0]!.id;
}

/** A mapped demo parent: mother, first (primary) guardian of one child in the class, whose name no classmate shares. */
function demoMother(className: string): DemoParent {
  const demoClass = school.classes.find((c) => c.name === className)!;
  const classmates = school.students.filter((s) => s.classKeys.includes(demoClass.key));
  const parent = school.parents.find((p) => {
    const child = p.children.length === 1 ? classmates.find((s) => s.key === p.children[0]!.studentKey) : undefined;
    return p.businessName !== null && p.relation === 'mother' && p.children[0]!.isPrimary && child
      && classmates.filter((s) => s.name === child.name).length === 1;
  });
  if (!parent) throw new Error(`no mapped mother in ${className}`);
  return parent;
}

describe('role suggestions', () => {
  it('when an external id speaks in class groups and chats 1:1 with staff, then parent is proposed, the reason counting groups and messages', async () => {
    const [bear1, bear2] = [await classByName(db.pool, '小熊1班'), await classByName(db.pool, '小熊2班')];
    const parent = await addUser(db.pool, { nickname: 'Lemon' });
    await addActivity(db.pool, parent.originalId, bear1.roomId, { sent: 30, received: 100 });
    await addActivity(db.pool, parent.originalId, bear2.roomId, { sent: 11, received: 50 });
    await addActivity(db.pool, parent.originalId, null, { sent: 2, received: 3 });

    const suggestion = await suggestionFor(db.pool, 'role', parent.originalId);

    expect(suggestion).toEqual({
      kind: 'role', idType: 'user_id', originalId: parent.originalId, displayName: 'Lemon', change: { userRole: 'parent' }, confidence: 0.9,
      reason: '在 2 个班级群中发言 41 次，是外部联系人；与老师有 5 条私聊',
    });
  });

  it('when an external id only reads a class group, then parent is proposed with less confidence than for one who spoke there', async () => {
    const { roomId } = await classByName(db.pool, '小熊1班');
    const reader = await addUser(db.pool, { nickname: '岁月静好' });
    const speaker = await addUser(db.pool, { kind: 'external_wecom', nickname: '🌸一一妈妈🌸' });
    await addActivity(db.pool, reader.originalId, roomId, { received: 80 });
    await addActivity(db.pool, speaker.originalId, roomId, { sent: 5, received: 80 });

    const [read, spoke] = [await suggestionFor(db.pool, 'role', reader.originalId), await suggestionFor(db.pool, 'role', speaker.originalId)];

    expect(read).toMatchObject({ change: { userRole: 'parent' }, confidence: 0.7, reason: '在 1 个班级群中（未发言，收到 80 条），是外部联系人' });
    expect(spoke).toMatchObject({ change: { userRole: 'parent' }, confidence: 0.88 });
    expect(spoke!.reason).toBe('在 1 个班级群中发言 5 次，是外部联系人；名称「🌸一一妈妈🌸」像家长称呼');
  });

  it('when an id is a bot, an external id seen only outside class groups, or an id that has a role, then no role is proposed', async () => {
    const { roomId } = await classByName(db.pool, '小熊1班');
    const trialGroup = school.otherGroups.find((g) => g.name === '新生体验课家长群')!.roomId;
    const bot = await addUser(db.pool, { kind: 'bot', nickname: '打卡提醒' });
    const prospect = await addUser(db.pool, { nickname: '王小明妈妈' });
    const teacherWithRole = await addUser(db.pool, { kind: 'staff', nickname: '李老师', role: 'teacher', businessName: '李老师' });
    await addActivity(db.pool, bot.originalId, roomId, { sent: 50 });
    await addActivity(db.pool, prospect.originalId, trialGroup, { sent: 9, received: 40 });
    await addActivity(db.pool, prospect.originalId, null, { sent: 3, received: 3 });
    await addActivity(db.pool, teacherWithRole.originalId, roomId, { sent: 300 });

    const roles = await allSuggestions(db.pool, 'role');

    const ids = new Set(roles.map((s) => s.originalId));
    expect([bot, prospect, teacherWithRole].filter((user) => ids.has(user.originalId))).toEqual([]);
  });

  it('when a staff id on the staff list has no role, then its staff role is proposed at 0.95, with the staff name when it has no business name', async () => {
    const headTeacher = school.staff.find((s) => s.role === 'head_teacher')!;
    const teacher = school.staff.find((s) => s.role === 'teacher')!;
    await db.pool.query("UPDATE crm.identities SET user_role = NULL, business_name = NULL WHERE id_type = 'user_id' AND original_id = $1", [headTeacher.userId]);
    await db.pool.query("UPDATE crm.identities SET user_role = NULL WHERE id_type = 'user_id' AND original_id = $1", [teacher.userId]);

    const [forHead, forTeacher] = [await suggestionFor(db.pool, 'role', headTeacher.userId), await suggestionFor(db.pool, 'role', teacher.userId)];

    expect(forHead).toMatchObject({
      change: { userRole: 'head_teacher', businessName: headTeacher.name }, confidence: 0.95, reason: `教职工名单中的${headTeacher.name}，岗位为班主任`,
    });
    expect(forTeacher).toMatchObject({ change: { userRole: 'teacher' }, confidence: 0.95 });
  });

  it('when an unlisted staff id speaks a lot in class groups, then teacher is proposed; the top speaker of a group whose class has no head teacher gets head_teacher, with less confidence', async () => {
    const dolphin1 = await classByName(db.pool, '海豚1班');
    const [dolphin2, dolphin3] = [await classByName(db.pool, '海豚2班'), await classByName(db.pool, '海豚3班')];
    await db.pool.query('UPDATE crm.classes SET head_teacher_staff_id = NULL WHERE id = $1', [dolphin1.id]);
    const classTeacher = school.staff.find((s) => s.userId === school.classes.find((c) => c.name === '海豚1班')!.teacherUserId)!;
    const leader = await addUser(db.pool, { kind: 'staff', nickname: '周老师' });
    const busy = await addUser(db.pool, { kind: 'staff', nickname: 'Amy' });
    const quiet = await addUser(db.pool, { kind: 'staff', nickname: '前台小吴' });
    // the class's own teacher says more, but is the teacher, not the head teacher
    await addActivity(db.pool, classTeacher.userId, dolphin1.roomId, { sent: 200 });
    await addActivity(db.pool, leader.originalId, dolphin1.roomId, { sent: 120 });
    await addActivity(db.pool, busy.originalId, dolphin2.roomId, { sent: 15 });
    await addActivity(db.pool, busy.originalId, dolphin3.roomId, { sent: 15 });
    await addActivity(db.pool, quiet.originalId, dolphin2.roomId, { sent: 5, received: 300 });

    const [forLeader, forBusy, forQuiet] = [
      await suggestionFor(db.pool, 'role', leader.originalId), await suggestionFor(db.pool, 'role', busy.originalId), await suggestionFor(db.pool, 'role', quiet.originalId),
    ];

    expect(forLeader).toMatchObject({
      change: { userRole: 'head_teacher' }, confidence: 0.55, reason: '企业成员，在班级群「海豚1班」（120 次）中发言最多，该班尚未登记班主任',
    });
    expect(forBusy).toMatchObject({ change: { userRole: 'teacher' }, confidence: 0.65, reason: '企业成员，在 2 个班级群中发言 30 次' });
    expect(forQuiet).toBeUndefined();
  });
});

describe('student suggestions', () => {
  it('when an unmapped "王小明妈妈" is active in the group of the class 王小明 is in, then 王小明 is proposed with relation mother, primary, role and business name', async () => {
    const rabbit1 = await classByName(db.pool, '兔子1班');
    const studentId = await addStudent(db.pool, { name: '王小明', classId: rabbit1.id });
    const mother = await addUser(db.pool, { nickname: '王小明妈妈' });
    await addActivity(db.pool, mother.originalId, rabbit1.roomId, { received: 20 });

    const suggestion = await suggestionFor(db.pool, 'student', mother.originalId);

    expect(suggestion).toEqual({
      kind: 'student', idType: 'user_id', originalId: mother.originalId, displayName: '王小明妈妈',
      change: { userRole: 'parent', businessName: '王小明妈妈', students: [{ studentId, relation: 'mother', isPrimary: true }] },
      confidence: 0.9, reason: '昵称「王小明妈妈」中的「王小明」与学员王小明（兔子1班）全名一致；关系：妈妈（母亲）',
    });
  });

  it('when a "Tom爸爸" is active in a class group, then the student with English name Tom is proposed, relation father', async () => {
    const rabbit2 = await classByName(db.pool, '兔子2班');
    const studentId = await addStudent(db.pool, { name: '林小天', englishName: 'Tom', classId: rabbit2.id });
    const father = await addUser(db.pool, { nickname: 'Tom爸爸' });
    await addActivity(db.pool, father.originalId, rabbit2.roomId, { sent: 3, received: 20 });

    const suggestion = await suggestionFor(db.pool, 'student', father.originalId);

    expect(suggestion).toMatchObject({
      change: { userRole: 'parent', businessName: '林小天爸爸', students: [{ studentId, relation: 'father', isPrimary: true }] }, confidence: 0.75,
    });
    expect(suggestion!.reason).toContain('英文名一致');
  });

  it('when two children of the parent\'s class match the given name, then one is proposed with low confidence and the reason names both', async () => {
    const rabbit3 = await classByName(db.pool, '兔子3班');
    const first = await addStudent(db.pool, { name: '周小美', classId: rabbit3.id });
    await addStudent(db.pool, { name: '吴小美', classId: rabbit3.id });
    const mother = await addUser(db.pool, { nickname: '小美妈' });
    await addActivity(db.pool, mother.originalId, rabbit3.roomId, { received: 10 });

    const suggestion = await suggestionFor(db.pool, 'student', mother.originalId);

    expect(suggestion).toMatchObject({ confidence: 0.45, change: { businessName: '周小美妈妈', students: [{ studentId: first, relation: 'mother' }] } });
    expect(suggestion!.reason).toBe('昵称「小美妈」中的「小美」可能是周小美（兔子3班）或吴小美（兔子3班），请核对；关系：妈（母亲）');
  });

  it('when one child matches by full name and another by given name, then the full name wins without doubt', async () => {
    const rabbit4 = await classByName(db.pool, '兔子4班');
    const wangMing = await addStudent(db.pool, { name: '王明', classId: rabbit4.id });
    await addStudent(db.pool, { name: '李王明', classId: rabbit4.id });
    const father = await addUser(db.pool, { nickname: '王明爸爸' });
    await addActivity(db.pool, father.originalId, rabbit4.roomId, { received: 10 });

    expect(await suggestionFor(db.pool, 'student', father.originalId)).toMatchObject({
      confidence: 0.9, change: { students: [{ studentId: wangMing, relation: 'father' }] },
    });
  });

  it('when the named child is in a class whose group the parent is not in, then no student is proposed (the role still is)', async () => {
    const rabbit5 = await classByName(db.pool, '兔子5班');
    const rabbit6 = await classByName(db.pool, '兔子6班');
    await addStudent(db.pool, { name: '郑小北', classId: rabbit5.id });
    const mother = await addUser(db.pool, { nickname: '郑小北妈妈' });
    await addActivity(db.pool, mother.originalId, rabbit6.roomId, { received: 10 });

    expect(await suggestionFor(db.pool, 'student', mother.originalId)).toBeUndefined();
    expect(await suggestionFor(db.pool, 'role', mother.originalId)).toMatchObject({ change: { userRole: 'parent' } });
  });

  it('when the child already has a primary guardian, then the proposal is not primary', async () => {
    const rabbit6 = await classByName(db.pool, '兔子6班');
    const studentId = await addStudent(db.pool, { name: '赵小红', classId: rabbit6.id });
    const mother = await addUser(db.pool, { nickname: '赵小红妈妈', businessName: '赵小红妈妈', role: 'parent' });
    await db.pool.query("INSERT INTO crm.guardianships (identity_id, student_id, relation, is_primary) VALUES ($1, $2, 'mother', true)", [mother.id, studentId]);
    const grandma = await addUser(db.pool, { nickname: '赵小红外婆' });
    await addActivity(db.pool, grandma.originalId, rabbit6.roomId, { sent: 1, received: 10 });
    await addActivity(db.pool, mother.originalId, rabbit6.roomId, { sent: 4, received: 10 });

    expect(await suggestionFor(db.pool, 'student', grandma.originalId)).toMatchObject({
      change: { businessName: '赵小红外婆', students: [{ studentId, relation: 'guardian', isPrimary: false }] },
    });
    // the mother is mapped: nothing for her
    expect((await allSuggestions(db.pool)).filter((s) => s.originalId === mother.originalId)).toEqual([]);
  });

  it('when an id without a role already has its student, then only the role is proposed, never the student again', async () => {
    const squirrel4 = await classByName(db.pool, '松鼠4班');
    const studentId = await addStudent(db.pool, { name: '钱小雨', classId: squirrel4.id });
    const mother = await addUser(db.pool, { nickname: '钱小雨妈妈' });
    await db.pool.query("INSERT INTO crm.guardianships (identity_id, student_id, relation, is_primary) VALUES ($1, $2, 'mother', true)", [mother.id, studentId]);
    await addActivity(db.pool, mother.originalId, squirrel4.roomId, { received: 10 });

    expect(await suggestionFor(db.pool, 'student', mother.originalId)).toBeUndefined();
    expect(await suggestionFor(db.pool, 'role', mother.originalId)).toMatchObject({ change: { userRole: 'parent' } });
  });

  it('when a demo parent keeps role and business name but lost its students, then its own child is proposed from the business name, changing only the students', async () => {
    const parent = demoMother('松鼠1班');
    const id = await identityId(parent.externalId);
    const { rows } = await db.pool.query<{ student_id: number }>('DELETE FROM crm.guardianships WHERE identity_id = $1 RETURNING student_id', [id]);
    await addActivity(db.pool, parent.externalId, (await classByName(db.pool, '松鼠1班')).roomId, { received: 30 });

    const suggestion = await suggestionFor(db.pool, 'student', parent.externalId);

    expect(suggestion).toMatchObject({
      displayName: parent.businessName, confidence: 0.9, change: { students: [{ studentId: rows[0]!.student_id, relation: 'mother', isPrimary: true }] },
    });
    expect(Object.keys(suggestion!.change)).toEqual(['students']);
    expect(suggestion!.reason).toContain(`业务称呼「${parent.businessName}」`);
  });

  it('when a parent is fully mapped, then nothing at all is proposed for it, however active', async () => {
    const parent = demoMother('松鼠2班');
    await addActivity(db.pool, parent.externalId, (await classByName(db.pool, '松鼠2班')).roomId, { sent: 40, received: 300 });
    await addActivity(db.pool, parent.externalId, null, { sent: 10, received: 10 });

    expect((await allSuggestions(db.pool)).filter((s) => s.originalId === parent.externalId)).toEqual([]);
  });

  it('when a parent\'s nickname is markup ("<img src=x onerror=alert(1)>妈妈"), then it is plain text: no student is proposed and the name comes back verbatim', async () => {
    const squirrel3 = await classByName(db.pool, '松鼠3班');
    const hostile = '<img src=x onerror=alert(1)>妈妈';
    const parent = await addUser(db.pool, { nickname: hostile });
    await addActivity(db.pool, parent.originalId, squirrel3.roomId, { received: 10 });

    expect(await suggestionFor(db.pool, 'student', parent.originalId)).toBeUndefined();
    expect(await suggestionFor(db.pool, 'role', parent.originalId)).toMatchObject({ displayName: hostile, confidence: 0.7 });
  });
});

describe('class suggestions', () => {
  /** Unlinks a class from its group and renames the group, as if the group had been made anew by hand. */
  async function unlinkClass(className: string, roomName: string): Promise<{ id: number; roomId: string }> {
    const found = await classByName(db.pool, className);
    await db.pool.query('UPDATE crm.classes SET room_id = NULL WHERE id = $1', [found.id]);
    await db.pool.query("UPDATE crm.identities SET wecom_nickname = $2 WHERE id_type = 'room_id' AND original_id = $1", [found.roomId, roomName]);
    return found;
  }

  /** Mapped demo parents of the class's pupils speak in the room. */
  async function guardiansSpeakIn(className: string, roomId: string, count: number): Promise<void> {
    const demoClass = school.classes.find((c) => c.name === className)!;
    const pupils = new Set(school.students.filter((s) => s.classKeys.includes(demoClass.key)).map((s) => s.key));
    const parents = school.parents.filter((p) => p.businessName !== null && p.children.some((c) => pupils.has(c.studentKey)));
    for (const parent of parents.slice(0, count)) await addActivity(db.pool, parent.externalId, roomId, { sent: 2, received: 30 });
  }

  it('when a room "小熊3班家长群" is linked to no class and 小熊3班 has no group, then 小熊3班 is proposed', async () => {
    const bear3 = await unlinkClass('小熊3班', '小熊3班家长群');

    expect(await suggestionFor(db.pool, 'class', bear3.roomId)).toEqual({
      kind: 'class', idType: 'room_id', originalId: bear3.roomId, displayName: '小熊3班家长群', change: { classId: bear3.id }, confidence: 0.9,
      reason: '群名「小熊3班家长群」与班级「L1 小熊3班」一致',
    });
  });

  it('when the room\'s active parents are guardians of the class\'s pupils too, then name and members agree and confidence rises', async () => {
    const deer1 = await unlinkClass('小鹿1班', '小鹿1班群');
    await guardiansSpeakIn('小鹿1班', deer1.roomId, 6);

    const suggestion = await suggestionFor(db.pool, 'class', deer1.roomId);

    expect(suggestion).toMatchObject({ change: { classId: deer1.id }, confidence: 0.98 });
    expect(suggestion!.reason).toBe('群名「小鹿1班群」与班级「L1 小鹿1班」一致；群内 6 位已关联学员的家长中，6 位的孩子在「L1 小鹿1班」');
  });

  it('when a room\'s name says nothing but its active parents are the class\'s, then members alone propose the class', async () => {
    const deer2 = await unlinkClass('小鹿2班', '周末英语');
    await guardiansSpeakIn('小鹿2班', deer2.roomId, 4);

    expect(await suggestionFor(db.pool, 'class', deer2.roomId)).toMatchObject({ change: { classId: deer2.id }, confidence: 0.95 });
  });

  it('when the room name only contains the class name, or only shares mascot and number, then the class is proposed with less confidence', async () => {
    const deer3 = await unlinkClass('小鹿3班', '小鹿三班');
    const deer4 = await unlinkClass('小鹿4班', '【周六9:00】小鹿4班·家长');

    expect(await suggestionFor(db.pool, 'class', deer3.roomId)).toMatchObject({ change: { classId: deer3.id }, confidence: 0.55 });
    expect(await suggestionFor(db.pool, 'class', deer4.roomId)).toMatchObject({ change: { classId: deer4.id }, confidence: 0.75 });
  });

  it('when the room name points at one class but its parents are another class\'s, then the members win with less confidence and both are named', async () => {
    const koala1 = await unlinkClass('考拉1班', '考拉1班群');
    const koala2 = await unlinkClass('考拉2班', '已解散');
    await guardiansSpeakIn('考拉2班', koala1.roomId, 4);

    const suggestion = await suggestionFor(db.pool, 'class', koala1.roomId);

    expect(suggestion).toMatchObject({ change: { classId: koala2.id }, confidence: 0.7 });
    expect(suggestion!.reason).toBe('群内 4 位已关联学员的家长中，4 位的孩子在「L3 考拉2班」；但群名「考拉1班群」与班级「L3 考拉1班」一致');
  });

  it('when two rooms fit the same class, then only the better keeps its confidence and the other names its rival', async () => {
    const deer5 = await unlinkClass('小鹿5班', '小鹿5班');
    const newRoom = await addRoom(db.pool, { nickname: '小鹿5班群' });

    const [old, fresh] = [await suggestionFor(db.pool, 'class', deer5.roomId), await suggestionFor(db.pool, 'class', newRoom)];

    const [winner, loser] = deer5.roomId < newRoom ? [old!, fresh!] : [fresh!, old!];
    expect(winner).toMatchObject({ change: { classId: deer5.id }, confidence: 0.9 });
    expect(loser).toMatchObject({ change: { classId: deer5.id }, confidence: 0.7 });
    expect(loser.reason).toContain(`另有群「${winner.displayName}」也指向该班`);
  });

  it('when a room is named after a class that has its group already, or is a staff-only group, then nothing is proposed for it', async () => {
    const deer6 = await unlinkClass('小鹿6班', '小鹿6班');
    const namedAfterLinked = await addRoom(db.pool, { nickname: '兔子1班群' });
    const staffGroup = await addRoom(db.pool, { nickname: '小鹿6班老师群', kind: 'internal_group' });

    const classes = await allSuggestions(db.pool, 'class');

    expect(classes.map((s) => s.originalId)).not.toContain(namedAfterLinked);
    expect(classes.map((s) => s.originalId)).not.toContain(staffGroup);
    expect(classes.find((s) => s.originalId === deer6.roomId)).toMatchObject({ change: { classId: deer6.id } });
  });
});

describe('ranking and paging', () => {
  const key = (s: Suggestion) => `${s.kind}:${s.originalId}`;

  it('when all kinds are asked for, then they come best first: confidence descending, then originalId', async () => {
    const { items } = await suggest(db.pool, { limit: 200 });

    expect(new Set(items.map((s) => s.kind))).toEqual(new Set(['role', 'student', 'class']));
    for (let i = 1; i < items.length; i++) {
      const [before, after] = [items[i - 1]!, items[i]!];
      expect(before.confidence > after.confidence || (before.confidence === after.confidence && before.originalId <= after.originalId)).toBe(true);
    }
  });

  it('when the list is walked in pages of 3, then every suggestion comes exactly once, in the order of one big page', async () => {
    const whole = (await suggest(db.pool, { limit: 200 })).items;
    const walked: Suggestion[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await suggest(db.pool, { limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      walked.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);

    expect(walked.map(key)).toEqual(whole.map(key));
    expect(pages).toBe(Math.ceil(whole.length / 3));
  });

  it('when a kind is asked for, then only that kind comes', async () => {
    for (const kind of ['role', 'student', 'class'] as const) {
      const { items } = await suggest(db.pool, { kind, limit: 200 });
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((s) => s.kind === kind)).toBe(true);
    }
  });

  it('when suggestions are computed, then nothing in the database changes', async () => {
    const snapshot = async () => (await db.pool.query(
      `SELECT (SELECT md5(string_agg(i::text, ',' ORDER BY i.id)) FROM crm.identities i) AS identities,
              (SELECT md5(string_agg(g::text, ',' ORDER BY g.identity_id, g.student_id)) FROM crm.guardianships g) AS guardianships,
              (SELECT md5(string_agg(c::text, ',' ORDER BY c.id)) FROM crm.classes c) AS classes`)).rows[0];
    const before = await snapshot();

    await allSuggestions(db.pool);

    expect(await snapshot()).toEqual(before);
  });
});
