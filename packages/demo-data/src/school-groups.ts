import { type Rng } from './random.ts';
import type { DemoBot, DemoClass, DemoGroup, DemoParent, DemoSchool, DemoSilentMember, DemoStaff } from './school-types.ts';

const BOT_NAMES = ['班级小助手', '打卡提醒', '课表通知'];

export function generateBots(rng: Rng, classes: readonly DemoClass[]): DemoBot[] {
  return BOT_NAMES.map((nickname) => ({
    externalId: `wb${rng.alnum(rng.range(20, 26))}`,
    nickname,
    // each bot was added to about a third of the class groups by the head teacher who likes it
    roomIds: classes.filter(() => rng.chance(0.3)).map((c) => c.roomId),
  }));
}

/** Internal (staff-only) group ids do not start with `wr`; here they are long digit strings. */
function internalRoomId(rng: Rng): string {
  return `1${rng.digits(18)}`;
}

function customerRoomId(rng: Rng, taken: Set<string>): string {
  let id = `wr${rng.base64(rng.range(20, 30))}`;
  while (taken.has(id)) id = `wr${rng.base64(rng.range(20, 30))}`;
  taken.add(id);
  return id;
}

export function generateOtherGroups(
  rng: Rng,
  staff: readonly DemoStaff[],
  parents: readonly DemoParent[],
  takenRooms: Set<string>,
): DemoGroup[] {
  const ids = (role?: DemoStaff['role']) => staff.filter((s) => !role || s.role === role).map((s) => s.userId);
  const some = <T>(items: readonly T[], n: number): T[] => rng.shuffle([...items]).slice(0, n);
  const internal = (name: string, memberIds: string[]): DemoGroup => ({ roomId: internalRoomId(rng), name, kind: 'internal_group', memberIds });
  const customer = (name: string, size: number): DemoGroup => ({
    roomId: customerRoomId(rng, takenRooms),
    name,
    kind: 'customer_group',
    memberIds: [...ids('advisor'), ...some(ids('head_teacher'), 2), ...some(parents, size).map((p) => p.externalId)],
  });
  return [
    internal('全体教职工群', ids()),
    internal('教研组', ids('teacher')),
    internal('班主任工作群', [...ids('head_teacher'), ...some(ids('advisor'), 1)]),
    internal('前台·顾问·行政', [...ids('advisor'), ...some(ids('head_teacher'), 3)]),
    customer('新生体验课家长群', rng.range(60, 120)),
    customer('暑期夏令营报名群', rng.range(120, 220)),
    customer('亲子阅读打卡群', rng.range(80, 160)),
  ];
}

/**
 * Every group's members as WeCom would list them: a class group holds the parents of its pupils (whatever
 * their status — refunded families often stay), the teacher, the head teacher, one advisor and its bots.
 */
export function groupMembers(school: DemoSchool): Map<string, string[]> {
  const parentsByStudent = new Map<string, string[]>();
  for (const p of school.parents) {
    for (const g of p.children) {
      const list = parentsByStudent.get(g.studentKey) ?? [];
      list.push(p.externalId);
      parentsByStudent.set(g.studentKey, list);
    }
  }
  const advisors = school.staff.filter((s) => s.role === 'advisor');
  const members = new Map<string, string[]>();
  school.classes.forEach((c, index) => {
    const set = new Set<string>([c.teacherUserId, c.headTeacherUserId]);
    if (advisors.length > 0) set.add((advisors[index % advisors.length] as DemoStaff).userId);
    for (const s of school.students) {
      if (!s.classKeys.includes(c.key)) continue;
      for (const id of parentsByStudent.get(s.key) ?? []) set.add(id);
    }
    for (const b of school.bots) if (b.roomIds.includes(c.roomId)) set.add(b.externalId);
    members.set(c.roomId, [...set]);
  });
  for (const g of school.otherGroups) members.set(g.roomId, [...new Set(g.memberIds)]);
  for (const m of school.silentMembers) {
    for (const roomId of m.roomIds) members.get(roomId)?.push(m.externalId);
  }
  return members;
}

/**
 * Relatives and prospects who never write: most sit in one class group (grandparents, the other parent), the rest
 * in the customer groups (trial-lesson families). They reach the archive only in `tolist`, which is what makes
 * a per-id scan of the archive expensive, so benchmarks ask for thousands of them.
 */
export function generateSilentMembers(rng: Rng, classes: readonly DemoClass[], otherGroups: readonly DemoGroup[], count: number): DemoSilentMember[] {
  const customerRooms = otherGroups.filter((g) => g.kind === 'customer_group').map((g) => g.roomId);
  const taken = new Set<string>();
  const members: DemoSilentMember[] = [];
  while (members.length < count) {
    const externalId = `wm${rng.base64(rng.range(22, 30))}`;
    if (taken.has(externalId)) continue;
    taken.add(externalId);
    const inClass = classes.length > 0 && (customerRooms.length === 0 || rng.chance(0.7));
    const roomIds = inClass ? [rng.pick(classes).roomId] : [rng.pick(customerRooms)];
    // many leave again: the family moved, the trial lesson is over; the archive then stops naming them
    const leftAtShare = rng.chance(0.4) ? 0.1 + rng.float() * 0.7 : null;
    members.push({ externalId, roomIds, leftAtShare });
  }
  return members;
}
