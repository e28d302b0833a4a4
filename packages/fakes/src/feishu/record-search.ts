import { createHash } from 'node:crypto';
import { FeishuFakeFailure, FIELD_TYPE, type FakeField, type FakeRecord, type FakeTable } from './feishu-fake-state.ts';
import { fieldNotFound } from './record-formats.ts';

interface Condition {
  field_name: string;
  operator: string;
  value?: string[];
}

interface FilterGroup {
  conjunction: 'and' | 'or';
  conditions?: Condition[];
  children?: FilterGroup[];
}

export interface SearchBody {
  field_names?: string[];
  sort?: Array<{ field_name: string; desc?: boolean }>;
  filter?: FilterGroup;
}

const invalidFilter = (why: string) => new FeishuFakeFailure(1254018, `InvalidFilter: ${why}`);
const invalidSort = (why: string) => new FeishuFakeFailure(1254016, `InvalidSort: ${why}`);
const DAY_MS = 86_400_000;
const BEIJING_MS = 8 * 3_600_000;

/** What a cell compares as: text and select as strings, numbers and dates as numbers, links as their ids. */
function comparable(stored: unknown): string | number | null {
  if (stored === undefined || stored === null) return null;
  if (typeof stored === 'number' || typeof stored === 'string') return stored;
  if (typeof stored === 'boolean') return stored ? 'true' : 'false';
  if (Array.isArray(stored)) return stored.length === 0 ? null : stored.join(',');
  return JSON.stringify(stored);
}

function fieldOf(table: FakeTable, name: unknown): FakeField {
  const field = table.fields.find((f) => f.field_name === name);
  if (!field) throw fieldNotFound(String(name));
  return field;
}

/**
 * One condition (operators of the search doc, §2.3). Values are strings; a date condition takes
 * `["ExactDate", "<ms>"]` and compares Beijing days — the guide with the full keyword set was not readable (§6.6),
 * so other date keywords are refused as an invalid filter rather than guessed.
 */
function matches(table: FakeTable, record: FakeRecord, condition: Condition): boolean {
  const field = fieldOf(table, condition.field_name);
  const cell = comparable(record.cells.get(field.field_name));
  const values = condition.value ?? [];
  if (!Array.isArray(values) || values.length > 10 || values.some((v) => typeof v !== 'string')) throw invalidFilter('value must be ≤ 10 strings');
  if (condition.operator === 'isEmpty') return cell === null;
  if (condition.operator === 'isNotEmpty') return cell !== null;
  let wanted: string | number = values[0] ?? '';
  let actual = cell;
  if (field.type === FIELD_TYPE.date) {
    if (values[0] !== 'ExactDate' || !/^\d+$/.test(values[1] ?? '')) throw invalidFilter(`date field ${field.field_name} needs ["ExactDate", "<ms>"]`);
    wanted = Math.floor((Number(values[1]) + BEIJING_MS) / DAY_MS);
    actual = cell === null ? null : Math.floor((Number(cell) + BEIJING_MS) / DAY_MS);
  } else if (field.type === FIELD_TYPE.number) {
    wanted = Number(wanted);
  }
  switch (condition.operator) {
    case 'is': return actual === wanted;
    case 'isNot': return actual !== wanted;
    case 'contains': return typeof actual === 'string' && values.some((v) => actual.includes(v));
    case 'doesNotContain': return !(typeof actual === 'string' && values.some((v) => actual.includes(v)));
    case 'isGreater': return actual !== null && actual > wanted;
    case 'isGreaterEqual': return actual !== null && actual >= wanted;
    case 'isLess': return actual !== null && actual < wanted;
    case 'isLessEqual': return actual !== null && actual <= wanted;
    default: throw invalidFilter(`operator ${String(condition.operator)} is not supported`);
  }
}

function groupMatches(table: FakeTable, record: FakeRecord, group: FilterGroup): boolean {
  if (group.conjunction !== 'and' && group.conjunction !== 'or') throw invalidFilter('conjunction must be "and" or "or"');
  const conditions = group.conditions ?? [];
  if (conditions.length > 50) throw invalidFilter('at most 50 conditions');
  const results = [
    ...conditions.map((c) => () => matches(table, record, c)),
    ...(group.children ?? []).map((child) => () => groupMatches(table, record, child)),
  ];
  return group.conjunction === 'and' ? results.every((r) => r()) : results.length === 0 || results.some((r) => r());
}

/** The records a search selects, in the order asked for (table order without `sort`). */
export function selectRecords(table: FakeTable, body: SearchBody): FakeRecord[] {
  for (const name of body.field_names ?? []) fieldOf(table, name);
  const sort = body.sort ?? [];
  if (!Array.isArray(sort) || sort.length > 100) throw invalidSort('at most 100 sort keys');
  const sortFields = sort.map((s) => ({ field: fieldOf(table, s.field_name), desc: s.desc === true }));
  let records = [...table.records.values()];
  // validate the filter once even on an empty table, so a wrong field name is reported either way
  if (body.filter) {
    const probe: FakeRecord = { record_id: '', cells: new Map(), created_time: 0, last_modified_time: 0 };
    groupMatches(table, probe, body.filter);
    records = records.filter((r) => groupMatches(table, r, body.filter as FilterGroup));
  }
  if (sortFields.length === 0) return records;
  return records.sort((a, b) => {
    for (const { field, desc } of sortFields) {
      const x = comparable(a.cells.get(field.field_name));
      const y = comparable(b.cells.get(field.field_name));
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const order = x < y ? -1 : 1;
      return desc ? -order : order;
    }
    return 0;
  });
}

/** A stable key of what a query asks, so a page token replayed with another query is refused. */
export function queryKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

/** Opaque page tokens: where the next page starts, bound to the query they came from. */
export function encodePageToken(offset: number, key: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: key }), 'utf8').toString('base64url');
}

export function decodePageToken(token: unknown, key: string): number {
  if (token === undefined || token === '') return 0;
  try {
    const parsed = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as { o?: unknown; q?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 && parsed.q === key) return parsed.o;
  } catch {}
  throw new FeishuFakeFailure(1254001, 'WrongRequestBody: invalid page_token', 400);
}

/**
 * `page_size` as the list and search endpoints read it: default 20, at most `max` (100 fields, 500 records);
 * 0 or less is 1254011 (HTTP 400), more than `max` the platform's parameter check 99992402 (HTTP 400).
 */
export function pageSize(value: unknown, max: number): number {
  if (value === undefined || value === '') return 20;
  const size = Number(value);
  if (!Number.isInteger(size)) throw new FeishuFakeFailure(99992402, 'field validation failed: page_size', 400);
  if (size <= 0) throw new FeishuFakeFailure(1254011, 'page_size must be greater than 0', 400);
  if (size > max) throw new FeishuFakeFailure(99992402, `field validation failed: page_size must be ≤ ${max}`, 400);
  return size;
}

/** One page of `items` and the envelope fields that go with it; `page_token` is absent on the last page (§2.3). */
export function pageOf<T>(items: readonly T[], offset: number, size: number, key: string) {
  const page = items.slice(offset, offset + size);
  const next = offset + page.length;
  const hasMore = next < items.length;
  return { page, has_more: hasMore, ...(hasMore ? { page_token: encodePageToken(next, key) } : {}), total: items.length };
}
