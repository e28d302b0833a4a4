/** The small text rules of the school's roster spreadsheet (docs/original-doitcrm.md#roster-matrix), each one fixed where the original erred. */

const TRAILING_PARENTHETICAL = /\s*[(（][^()（）]*[)）]\s*$/u;

/** "X班（周六上午）" → "X班": the bracket is a note for people, not part of the class's name. */
export function className(raw: string): string {
  const stripped = raw.trim().replace(TRAILING_PARENTHETICAL, '').trim();
  return stripped || raw.trim();
}

const BARE_WEEKDAY = /^([一二三四五六日天])/u;

/** "六 9:00" → "周六 9:00", "天10:00" → "周日10:00"; anything else as typed. */
export function schedule(raw: string): string {
  const text = raw.trim();
  const match = BARE_WEEKDAY.exec(text);
  if (!match) return text;
  const day = match[1] === '天' ? '日' : match[1];
  return `周${day}${text.slice(1)}`;
}

export const DEFAULT_STATUS = '在读';
const IGNORED_CELLS = new Set(['', '/', '／']);

/** "Name", "Name(休学)", "Name（已退费）"; null for the cells the spreadsheet uses as blanks. */
export function pupilCell(raw: string): { name: string; status: string } | null {
  const text = raw.trim();
  if (IGNORED_CELLS.has(text)) return null;
  const match = /^(.*?)\s*[(（]\s*([^()（）]*?)\s*[)）]$/u.exec(text);
  if (match && match[1]) return { name: match[1], status: match[2] || DEFAULT_STATUS };
  return { name: text, status: DEFAULT_STATUS };
}

const ENGLISH_PREFIX = /^([A-Za-z][A-Za-z .'-]*?)\s*(\p{Script=Han}[\p{Script=Han}·]*)$/u;

/** About 5% of names carry an English nickname before the Chinese name: "Lisa杜墨熙" → Lisa + 杜墨熙. */
export function splitEnglishName(raw: string): { name: string; englishName: string | null } {
  const text = raw.trim();
  const match = ENGLISH_PREFIX.exec(text);
  if (!match) return { name: text, englishName: null };
  return { name: match[2]!, englishName: match[1]!.trim() };
}

/** A cell's text, or null when it is blank: blanks in a file never erase what the database holds. */
export function optionalText(raw: string | undefined): string | null {
  const text = (raw ?? '').trim();
  return text === '' ? null : text;
}
