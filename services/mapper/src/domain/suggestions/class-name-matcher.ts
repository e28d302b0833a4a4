import { normaliseDisplayText } from './guardian-name-parser.ts';

/** How a group's name meets a class name, best first. */
export type ClassNameMatchLevel = 'exact' | 'contains' | 'mascot';

export const CLASS_NAME_LEVEL_ORDER: readonly ClassNameMatchLevel[] = ['exact', 'contains', 'mascot'];

// what people append to a class's name when they create its group, longest first
const GROUP_SUFFIXES = ['家长交流群', '家长群', '交流群', '班级群', '学习群', '通知群', '微信群', '群'];

const CHINESE_DIGITS: Readonly<Record<string, number>> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const NUMBER_AT_START = /^(\d+|[零〇一二两三四五六七八九十]+)/u;

/** Full-width forms, spaces, emoji and case do not make two names different. */
export function normaliseClassName(name: string): string {
  return normaliseDisplayText(name).toLowerCase();
}

/** A group's name without the "…家长群" its creator added. */
export function normaliseGroupName(name: string): string {
  let text = normaliseClassName(name);
  for (let stripped = true; stripped;) {
    stripped = false;
    for (const suffix of GROUP_SUFFIXES) {
      if (text.length > suffix.length && text.endsWith(suffix)) {
        text = text.slice(0, -suffix.length);
        stripped = true;
        break;
      }
    }
  }
  return text;
}

/** "12", "十二", "三" → a number; null when the text is not one. */
function numberValue(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  if (!text.includes('十')) return text.length === 1 ? (CHINESE_DIGITS[text] ?? null) : null;
  const [tens, ones] = text.split('十') as [string, string];
  const tensValue = tens === '' ? 1 : CHINESE_DIGITS[tens];
  const onesValue = ones === '' ? 0 : CHINESE_DIGITS[ones];
  if (tensValue === undefined || onesValue === undefined || tens.length > 1 || ones.length > 1) return null;
  return tensValue * 10 + onesValue;
}

/** "小熊3班" → 小熊 + 3: the mascot and number that name a class in the school's naming scheme. */
function mascotAndNumber(className: string): { mascot: string; number: number } | null {
  const found = /^(\p{Script=Han}+?)(\d+|[零〇一二两三四五六七八九十]+)班$/u.exec(className);
  if (!found) return null;
  const number = numberValue(found[2]!);
  return number === null ? null : { mascot: found[1]!, number };
}

/** The group's name holds the class's mascot followed by its number ("小熊-三", "L1 小熊 3期"). */
function sharesMascotAndNumber(groupName: string, className: string): boolean {
  const parts = mascotAndNumber(className);
  if (!parts) return false;
  for (let at = groupName.indexOf(parts.mascot); at >= 0; at = groupName.indexOf(parts.mascot, at + 1)) {
    const rest = groupName.slice(at + parts.mascot.length).replace(/^[-_·.#()（）]+/u, '');
    const token = NUMBER_AT_START.exec(rest)?.[1];
    if (token && numberValue(token) === parts.number) return true;
  }
  return false;
}

/** Compares plain strings only: names are never used as patterns, so any text in a group name is harmless. */
export function matchClassName(groupName: string, className: string): ClassNameMatchLevel | null {
  const group = normaliseGroupName(groupName);
  const target = normaliseClassName(className);
  if (!group || !target) return null;
  if (group === target) return 'exact';
  if (group.includes(target)) return 'contains';
  return sharesMascotAndNumber(group, target) ? 'mascot' : null;
}
