import { type Rng } from './random.ts';
import { adultName, staffUserId } from './names.ts';
import { ENGLISH_NAMES } from './name-tables.ts';
import {
  CLASSES_PER_LEVEL, HOLIDAY_CLASSES, LEVEL_MASCOTS, LEVELS, TEACHING_SLOTS, courseProgress, levelNumber, scheduleString,
} from './hierarchy.ts';
import type { DemoClass, DemoStaff, LevelCode, StaffRole } from './school-types.ts';

const STAFF_COUNTS: Readonly<Record<StaffRole, number>> = { teacher: 14, head_teacher: 12, advisor: 4 };

export function generateStaff(rng: Rng): DemoStaff[] {
  const takenIds = new Set<string>();
  const takenNames = new Set<string>();
  const takenEnglish = new Set<string>();
  const staff: DemoStaff[] = [];
  for (const role of ['teacher', 'head_teacher', 'advisor'] as const) {
    for (let i = 0; i < STAFF_COUNTS[role]; i++) {
      // most staff of a children's English school are women
      const gender = rng.chance(role === 'advisor' ? 0.7 : 0.85) ? 'f' : 'm';
      let name = adultName(rng, gender);
      while (takenNames.has(name.name)) name = adultName(rng, gender);
      takenNames.add(name.name);
      // English teachers go by an English name in class; the others by "<surname>老师"
      let callName = `${name.surname.hanzi}老师`;
      if (role === 'teacher' && rng.chance(0.7)) {
        let en = rng.pick(ENGLISH_NAMES);
        while (takenEnglish.has(en)) en = rng.pick(ENGLISH_NAMES);
        takenEnglish.add(en);
        callName = `${en}老师`;
      }
      // head teachers carry the parent conversations, so they are the chattiest staff
      const roleFactor = role === 'head_teacher' ? 1.6 : role === 'teacher' ? 1 : 0.7;
      const activity = roleFactor * Math.exp(rng.normal() * 0.5);
      staff.push({ userId: staffUserId(rng, name, takenIds), name: name.name, callName, role, activity });
    }
  }
  return staff;
}

function roomId(rng: Rng, taken: Set<string>): string {
  let id = `wr${rng.base64(rng.range(20, 30))}`;
  while (taken.has(id)) id = `wr${rng.base64(rng.range(20, 30))}`;
  taken.add(id);
  return id;
}

const PROMOTIONS = ['', '', '', '', '', '待评估', '下学期升阶', '春季升段', '已完成阶段测评', '部分学员升班'];

export function generateClasses(rng: Rng, staff: readonly DemoStaff[], takenRooms: Set<string>): DemoClass[] {
  const teachers = staff.filter((s) => s.role === 'teacher');
  const heads = staff.filter((s) => s.role === 'head_teacher');
  const teacherLoad = new Map(teachers.map((t) => [t.userId, 0]));
  const headLoad = new Map(heads.map((h) => [h.userId, 0]));
  const busy = new Set<string>();
  const classes: DemoClass[] = [];

  const leastLoaded = (pool: readonly DemoStaff[], load: Map<string, number>, ok: (s: DemoStaff) => boolean) => {
    const free = pool.filter(ok);
    const candidates = free.length > 0 ? free : pool;
    const min = Math.min(...candidates.map((s) => load.get(s.userId) ?? 0));
    const chosen = rng.pick(candidates.filter((s) => (load.get(s.userId) ?? 0) === min));
    load.set(chosen.userId, (load.get(chosen.userId) ?? 0) + 1);
    return chosen;
  };

  const addClass = (name: string, levelCode: LevelCode, slot: readonly [number, number, number], season: DemoClass['holidaySeason']) => {
    const [weekday, startMinute] = slot;
    const teacher = leastLoaded(teachers, teacherLoad, (t) => !busy.has(`${t.userId}@${weekday}/${startMinute}`));
    busy.add(`${teacher.userId}@${weekday}/${startMinute}`);
    const head = leastLoaded(heads, headLoad, () => true);
    const durationMinutes = season ? 120 : levelNumber(levelCode) <= 2 ? 80 : 90;
    classes.push({
      key: `C${String(classes.length + 1).padStart(2, '0')}`,
      name,
      levelCode,
      roomId: roomId(rng, takenRooms),
      teacherUserId: teacher.userId,
      headTeacherUserId: head.userId,
      startTime: scheduleString(weekday, startMinute),
      endTime: scheduleString(weekday, startMinute + durationMinutes),
      weekday,
      startMinute,
      durationMinutes,
      courseProgress: courseProgress(levelCode, rng.range(1, 12), rng.range(1, 4)),
      promotion: rng.pick(PROMOTIONS),
      maxStudents: season ? 20 : 38,
      holidaySeason: season,
      liveliness: Math.exp(rng.normal() * 0.45),
    });
  };

  const slotWeights = TEACHING_SLOTS.map(([, , w]) => w);
  const slotTotal = slotWeights.reduce((a, b) => a + b, 0);
  const pickSlot = () => {
    let x = rng.float() * slotTotal;
    for (const slot of TEACHING_SLOTS) {
      x -= slot[2];
      if (x < 0) return slot;
    }
    return TEACHING_SLOTS[0] as (typeof TEACHING_SLOTS)[number];
  };

  for (const level of LEVELS) {
    const [mascotA, mascotB] = LEVEL_MASCOTS[level.code];
    const count = CLASSES_PER_LEVEL[level.code];
    const countA = Math.ceil(count / 2);
    for (let i = 0; i < count; i++) {
      const name = i < countA ? `${mascotA}${i + 1}班` : `${mascotB}${i - countA + 1}班`;
      addClass(name, level.code, pickSlot(), null);
    }
  }
  for (const h of HOLIDAY_CLASSES) {
    // holiday courses run on weekday mornings in the holidays
    addClass(h.name, h.levelCode, [rng.range(1, 5), 9 * 60, 1], h.season);
  }
  return classes;
}
