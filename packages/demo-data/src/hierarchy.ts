import type { DemoLevel, DemoSection, LevelCode } from './school-types.ts';

/** Same codes and names as the seed rows of the crm migration: rows are matched by code, never by id. */
export const SECTIONS: readonly DemoSection[] = [
  { code: 'section_1', name: '一段' },
  { code: 'section_2', name: '二段' },
  { code: 'section_3', name: '三段' },
];

export const LEVELS: readonly DemoLevel[] = [
  { code: 'level_1', name: 'L1', sectionCode: 'section_1' },
  { code: 'level_2', name: 'L2', sectionCode: 'section_1' },
  { code: 'level_3', name: 'L3', sectionCode: 'section_1' },
  { code: 'level_4', name: 'L4', sectionCode: 'section_2' },
  { code: 'level_5', name: 'L5', sectionCode: 'section_2' },
  { code: 'level_6', name: 'L6', sectionCode: 'section_3' },
  { code: 'level_7', name: 'L7', sectionCode: 'section_3' },
];

export function levelNumber(code: LevelCode): number {
  return Number(code.slice('level_'.length));
}

export function levelName(code: LevelCode): string {
  return `L${levelNumber(code)}`;
}

export function sectionNameOfLevel(code: LevelCode): string {
  const level = LEVELS.find((l) => l.code === code);
  return SECTIONS.find((s) => s.code === level?.sectionCode)?.name ?? '';
}

/** Regular classes per level: the young levels are where most children are. */
export const CLASSES_PER_LEVEL: Readonly<Record<LevelCode, number>> = {
  level_1: 12, level_2: 11, level_3: 10, level_4: 8, level_5: 7, level_6: 5, level_7: 3,
};

/** Two mascots per level, numbered within the mascot: 小熊1班, 小熊2班, 小鹿1班 … */
export const LEVEL_MASCOTS: Readonly<Record<LevelCode, readonly [string, string]>> = {
  level_1: ['小熊', '小鹿'], level_2: ['兔子', '松鼠'], level_3: ['海豚', '考拉'], level_4: ['熊猫', '企鹅'],
  level_5: ['海狮', '狐狸'], level_6: ['雄鹰', '猎豹'], level_7: ['鲸鱼', '长颈鹿'],
};

/** Cambridge exam holiday courses; their pupils also sit in a regular class. */
export const HOLIDAY_CLASSES: readonly { name: string; levelCode: LevelCode; season: 'summer' | 'winter' }[] = [
  { name: 'Starters寒假班', levelCode: 'level_2', season: 'winter' },
  { name: 'Movers暑假班', levelCode: 'level_3', season: 'summer' },
  { name: 'Flyers暑假班', levelCode: 'level_5', season: 'summer' },
  { name: 'KET暑假班', levelCode: 'level_6', season: 'summer' },
];

const BOOKS: Readonly<Record<LevelCode, string>> = {
  level_1: 'Phonics Kids 1', level_2: 'Phonics Kids 2', level_3: 'Story Land 1', level_4: 'Story Land 2',
  level_5: 'Reading Path 3', level_6: 'Bridge to KET', level_7: 'Bridge to PET',
};

export function courseProgress(code: LevelCode, unit: number, lesson: number): string {
  return `${BOOKS[code]} Unit ${unit} Lesson ${lesson}`;
}

export const WEEKDAY_NAMES = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'] as const;

export function scheduleString(weekday: number, minuteOfDay: number): string {
  const h = Math.floor(minuteOfDay / 60);
  const m = minuteOfDay % 60;
  return `${WEEKDAY_NAMES[weekday]}${h}:${String(m).padStart(2, '0')}`;
}

/** Teaching slots (weekday, start minute): weekends carry most classes, plus weekday evenings. */
export const TEACHING_SLOTS: readonly (readonly [number, number, number])[] = [
  // [weekday, startMinute, relative popularity]
  [6, 9 * 60, 3], [6, 10 * 60 + 40, 3], [6, 14 * 60, 2.5], [6, 15 * 60 + 40, 2.5], [6, 17 * 60 + 20, 1],
  [0, 9 * 60, 3], [0, 10 * 60 + 40, 3], [0, 14 * 60, 2.5], [0, 15 * 60 + 40, 2], [0, 17 * 60 + 20, 1],
  [2, 18 * 60 + 30, 1], [3, 18 * 60 + 30, 1], [4, 18 * 60 + 30, 1], [5, 18 * 60 + 30, 1.5],
];
