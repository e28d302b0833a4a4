import { AliasTable } from './random.ts';
import { SEASONS, type Season } from './calendar.ts';
import { WEEKDAY_NAMES } from './hierarchy.ts';
import { groupMembers } from './school-groups.ts';
import { HOURS_PER_WEEK, classBurst, parentCurve, seasonFactor, staffCurve, staffShare } from './rhythm.ts';
import type { DemoClass, DemoSchool, DemoStaff } from './school-types.ts';

/** The school turned into conversations: who sits where, who talks how much, which chat is busy when. */

export interface Person {
  id: string;
  kind: 'parent' | 'staff' | 'bot';
  /** display name used inside message bodies (creator names, chat-record titles) */
  name: string;
  callName: string;
  activity: number;
  role: DemoStaff['role'] | null;
}

export interface GroupRuntime {
  kind: 'class' | 'customer' | 'internal';
  roomId: string;
  name: string;
  members: readonly string[];
  /** members who left partway, with the share of the archive's span after which they are gone */
  leavers: ReadonlyMap<string, number>;
  /** has external members (parents, bots): msgids of such chats end in `_external` */
  external: boolean;
  staff: readonly string[];
  staffTable: AliasTable | null;
  speakers: readonly string[];
  speakerTable: AliasTable | null;
  bots: readonly string[];
  kids: readonly string[];
  teacherId: string | null;
  teacherCall: string;
  className: string;
  weekday: string;
  time: string;
  /** per hour of week: probability that the next message comes from staff */
  staffShare: Float32Array;
}

export interface ParentRuntime {
  person: Person;
  childCall: string;
  group: GroupRuntime | null;
  /** head teacher, teacher, advisor: who this parent talks to 1:1 */
  contacts: readonly string[];
}

export interface ArchiveModel {
  people: Map<string, Person>;
  groups: GroupRuntime[];
  parents: ParentRuntime[];
  /** over parents: the chatty ones open 1:1 chats; silent ones are only written to */
  directParentTable: AliasTable;
  staff: Person[];
  staffTable: AliasTable;
  staffIds: string[];
  /** channel index → group index, or DIRECT_PARENT / DIRECT_STAFF */
  channelTables: Record<Season, AliasTable[]>;
  /** total channel weight per hour of week: how busy the hour is */
  hourWeights: Record<Season, Float64Array>;
  corpName: string;
}

export const DIRECT_PARENT = -1;
export const DIRECT_STAFF = -2;

/** Target shares of all messages by kind of chat, for a normal term week. */
const SHARES = { classGroup: 0.56, directParent: 0.33, customerGroup: 0.03, internalGroup: 0.05, directStaff: 0.03 };

const CONTACT_WEIGHTS = [0.55, 0.3, 0.15];
export const contactTable = new AliasTable(CONTACT_WEIGHTS);

/**
 * How much of a chat's parent traffic one parent takes: the chattiest write many times what the median parent does,
 * but not 80 times, or a class of thirty would hear from the same five parents all month while the rest, who do
 * write now and then in a real school, fall silent.
 */
const SPEAKING_CAP = 8;
const speakingWeight = (activity: number) => Math.min(activity, SPEAKING_CAP);

export function buildArchiveModel(school: DemoSchool): ArchiveModel {
  const people = new Map<string, Person>();
  for (const s of school.staff) people.set(s.userId, { id: s.userId, kind: 'staff', name: s.name, callName: s.callName, activity: s.activity, role: s.role });
  for (const p of school.parents) people.set(p.externalId, { id: p.externalId, kind: 'parent', name: p.nickname, callName: p.nickname, activity: p.activity, role: null });
  for (const b of school.bots) people.set(b.externalId, { id: b.externalId, kind: 'bot', name: b.nickname, callName: b.nickname, activity: 1, role: null });

  const members = groupMembers(school);
  const leaversByRoom = new Map<string, Map<string, number>>();
  for (const m of school.silentMembers) {
    if (m.leftAtShare === null) continue;
    for (const roomId of m.roomIds) {
      const leavers = leaversByRoom.get(roomId) ?? new Map<string, number>();
      leavers.set(m.externalId, m.leftAtShare);
      leaversByRoom.set(roomId, leavers);
    }
  }
  const studentsByKey = new Map(school.students.map((s) => [s.key, s]));
  const groupByRoom = new Map<string, GroupRuntime>();
  const groups: GroupRuntime[] = [];

  const makeGroup = (kind: GroupRuntime['kind'], roomId: string, name: string, cls: DemoClass | null): GroupRuntime => {
    const ids = members.get(roomId) ?? [];
    const inGroup = ids.map((id) => people.get(id)).filter((p): p is Person => p !== undefined);
    const staff = inGroup.filter((p) => p.kind === 'staff');
    const speakers = inGroup.filter((p) => p.kind === 'parent' && p.activity > 0);
    const roleWeight = (p: Person) => (cls && p.id === cls.teacherUserId ? 1.2 : cls && p.id === cls.headTeacherUserId ? 1 : 0.25);
    const teacher = cls ? people.get(cls.teacherUserId) : staff[0];
    const shares = new Float32Array(HOURS_PER_WEEK);
    for (let h = 0; h < HOURS_PER_WEEK; h++) {
      shares[h] = kind === 'internal' ? 1 : staffShare(h, cls ? classBurst(cls, h) : 0);
    }
    const g: GroupRuntime = {
      kind, roomId, name, members: ids, leavers: leaversByRoom.get(roomId) ?? new Map(),
      external: inGroup.some((p) => p.kind !== 'staff'),
      staff: staff.map((p) => p.id),
      staffTable: staff.length > 0 ? new AliasTable(staff.map((p) => p.activity * roleWeight(p))) : null,
      speakers: speakers.map((p) => p.id),
      speakerTable: speakers.length > 0 ? new AliasTable(speakers.map((p) => speakingWeight(p.activity))) : null,
      bots: inGroup.filter((p) => p.kind === 'bot').map((p) => p.id),
      kids: cls ? school.students.filter((s) => s.classKeys.includes(cls.key)).map((s) => s.callName) : [],
      teacherId: teacher?.id ?? null,
      teacherCall: teacher?.callName ?? '老师',
      className: cls?.name ?? name,
      weekday: WEEKDAY_NAMES[cls?.weekday ?? 6] as string,
      time: cls?.startTime.slice(2) ?? '9:00',
      staffShare: shares,
    };
    groups.push(g);
    groupByRoom.set(roomId, g);
    return g;
  };

  for (const c of school.classes) makeGroup('class', c.roomId, c.name, c);
  for (const g of school.otherGroups) makeGroup(g.kind === 'internal_group' ? 'internal' : 'customer', g.roomId, g.name, null);

  const classByKey = new Map(school.classes.map((c) => [c.key, c]));
  const parents: ParentRuntime[] = school.parents.map((p) => {
    const child = studentsByKey.get(p.children[0]?.studentKey ?? '');
    const cls = classByKey.get(child?.classKeys[0] ?? '');
    return {
      person: people.get(p.externalId) as Person,
      childCall: child?.callName ?? '孩子',
      group: cls ? (groupByRoom.get(cls.roomId) ?? null) : null,
      contacts: cls ? [cls.headTeacherUserId, cls.teacherUserId, p.advisorUserId] : [p.advisorUserId, p.advisorUserId, p.advisorUserId],
    };
  });

  const staff = school.staff.map((s) => people.get(s.userId) as Person);
  const { channelTables, hourWeights } = buildChannelTables(school, groups);
  return {
    people, groups, parents,
    directParentTable: new AliasTable(parents.map((p) => (p.person.activity > 0 ? speakingWeight(p.person.activity) : 0.08))),
    staff, staffTable: new AliasTable(staff.map((s) => s.activity)), staffIds: staff.map((s) => s.id),
    channelTables, hourWeights, corpName: school.corpName,
  };
}

function buildChannelTables(school: DemoSchool, groups: readonly GroupRuntime[]) {
  const classes = school.classes;
  // raw weight of each channel at each hour of week; scaled below so each kind of chat gets its share
  const raw = (season: Season, h: number): { weights: number[]; kinds: (keyof typeof SHARES)[] } => {
    const weights: number[] = [];
    const kinds: (keyof typeof SHARES)[] = [];
    const p = parentCurve(h);
    const s = staffCurve(h);
    groups.forEach((g, i) => {
      if (g.kind === 'class') {
        const c = classes[i] as DemoClass;
        weights.push(c.liveliness * seasonFactor(c, season) * (0.6 * p + 0.4 * s + classBurst(c, h)));
        kinds.push('classGroup');
      } else if (g.kind === 'customer') {
        weights.push(p);
        kinds.push('customerGroup');
      } else {
        weights.push(s);
        kinds.push('internalGroup');
      }
    });
    weights.push(0.55 * p + 0.45 * s, s);
    kinds.push('directParent', 'directStaff');
    return { weights, kinds };
  };

  const sums: Record<string, number> = {};
  for (let h = 0; h < HOURS_PER_WEEK; h++) {
    const { weights, kinds } = raw('term', h);
    weights.forEach((w, i) => (sums[kinds[i] as string] = (sums[kinds[i] as string] ?? 0) + w));
  }
  const scale = (kind: keyof typeof SHARES) => SHARES[kind] / (sums[kind] || 1);

  const channelTables = {} as Record<Season, AliasTable[]>;
  const hourWeights = {} as Record<Season, Float64Array>;
  for (const season of SEASONS) {
    channelTables[season] = [];
    hourWeights[season] = new Float64Array(HOURS_PER_WEEK);
    for (let h = 0; h < HOURS_PER_WEEK; h++) {
      const { weights, kinds } = raw(season, h);
      const scaled = weights.map((w, i) => w * scale(kinds[i] as keyof typeof SHARES));
      // a tiny floor keeps every table valid even in a dead hour
      const total = scaled.reduce((a, b) => a + b, 0);
      channelTables[season].push(new AliasTable(total > 0 ? scaled : scaled.map(() => 1)));
      hourWeights[season][h] = total * HOURS_PER_WEEK;
    }
  }
  return { channelTables, hourWeights };
}

/** Channel index in a channel table → what it stands for. */
export function channelOf(model: ArchiveModel, index: number): number {
  const g = model.groups.length;
  if (index < g) return index;
  return index === g ? DIRECT_PARENT : DIRECT_STAFF;
}
