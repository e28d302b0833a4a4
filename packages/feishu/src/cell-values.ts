/**
 * Cell values of the field types seed 002's tables use, in the write format of external-apis.md §2.4, and readers
 * that accept every read shape Feishu answers with (search's read format, the legacy GET shapes, and the write
 * format echoed by create/update).
 */

/** Link cells hold at most 500 records (§2.4 per-cell limits). */
export const MAX_LINKS_PER_CELL = 500;
const PHONE = /^\+?\d*$/;

export const writeCell = {
  /** Text: a plain string (no markdown) */
  text: (value: string): string => value,
  number: (value: number): number => {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    return value;
  },
  /** SingleSelect: the option's name (an unknown name creates the option) */
  select: (option: string): string => option,
  /** DateTime: a ms timestamp */
  date: (value: Date | number): number => {
    const ms = typeof value === 'number' ? value : value.getTime();
    if (!Number.isFinite(ms)) throw new RangeError('invalid date');
    return ms;
  },
  /** Phone: `(\+)?\d*`, at most 64 characters */
  phone: (value: string): string => {
    const compact = value.replace(/[\s-]/g, '');
    if (compact.length > 64 || !PHONE.test(compact)) throw new RangeError(`not a phone number Feishu accepts: ${value}`);
    return compact;
  },
  /** SingleLink/DuplexLink: the whole list of linked record ids (writing it replaces the cell) */
  link: (recordIds: readonly string[]): string[] => {
    const ids = [...new Set(recordIds)];
    if (ids.length > MAX_LINKS_PER_CELL) throw new RangeError(`a link cell holds at most ${MAX_LINKS_PER_CELL} records, got ${ids.length}`);
    return ids;
  },
};

/** Text as one string: search answers `[{type:"text"|"mention"|"url", text}]` segments, legacy reads a plain string. */
export function readText(cell: unknown): string | null {
  if (cell === undefined || cell === null) return null;
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number') return String(cell);
  if (Array.isArray(cell)) {
    return cell.map((segment) => (typeof segment === 'string' ? segment : typeof segment?.text === 'string' ? segment.text : '')).join('');
  }
  // lookup and formula cells: {type, value: [...]}
  if (typeof cell === 'object' && Array.isArray((cell as { value?: unknown }).value)) return readText((cell as { value: unknown[] }).value);
  return null;
}

export function readNumber(cell: unknown): number | null {
  if (typeof cell === 'number') return cell;
  if (typeof cell === 'string' && cell.trim() !== '' && Number.isFinite(Number(cell))) return Number(cell);
  return null;
}

/** DateTime cells are ms timestamps. */
export const readDate = (cell: unknown): number | null => readNumber(cell);

export function readSelect(cell: unknown): string | null {
  return typeof cell === 'string' ? cell : readText(cell);
}

export const readPhone = (cell: unknown): string | null => readText(cell);

/**
 * The record ids of a link cell, whatever shape it came in: `{link_record_ids}` (search), `["rec…"]` (write format
 * echoed), `[{record_ids, text_arr…}]` (legacy GET). Empty cells are absent from `fields`: no ids.
 */
export function readLinkIds(cell: unknown): string[] {
  if (cell === undefined || cell === null) return [];
  if (typeof cell === 'object' && !Array.isArray(cell) && Array.isArray((cell as { link_record_ids?: unknown }).link_record_ids)) {
    return ((cell as { link_record_ids: unknown[] }).link_record_ids).filter((id): id is string => typeof id === 'string');
  }
  if (Array.isArray(cell)) {
    return cell.flatMap((item) => {
      if (typeof item === 'string') return [item];
      const ids = (item as { record_ids?: unknown } | null)?.record_ids;
      return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
    });
  }
  return [];
}

/**
 * The link cell to write so that it keeps what it links now and gains `add`: a link cell is written whole, so writing
 * only the new ids would drop the old links (peer-lessons.md). Old links first, in their order, no duplicates.
 */
export function mergeLinkCell(existing: unknown, add: readonly string[]): string[] {
  return writeCell.link([...readLinkIds(existing), ...add]);
}
