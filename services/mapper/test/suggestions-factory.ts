import type pg from 'pg';
import { uniqueSuffix } from '@doitcrm/kit/testing';
import type { IdKind } from '@doitcrm/types';
import type { Suggestion, SuggestionKind } from '../src/contract.ts';
import { suggest } from '../src/domain/suggestions/index.ts';

/**
 * Fixtures on top of the loaded demo school. The school comes without activity, so only what a test writes into
 * crm.identity_activity and its totals (what the mapper's extraction fills in production) make anything suggestible.
 */

export async function classByName(pool: pg.Pool, name: string): Promise<{ id: number; roomId: string }> {
  const { rows } = await pool.query<{ id: number; room_id: string }>('SELECT id, room_id FROM crm.classes WHERE name = $1', [name]);
  if (rows.length !== 1 || !rows[0]!.room_id) throw new Error(`the demo school has no single linked class ${name}`);
  return { id: rows[0]!.id, roomId: rows[0]!.room_id };
}

export async function addUser(pool: pg.Pool, options: {
  kind?: IdKind; nickname?: string | null; businessName?: string | null; role?: string | null; originalId?: string;
}): Promise<{ id: number; originalId: string }> {
  const kind = options.kind ?? 'external_wechat';
  const prefix = kind === 'external_wechat' ? 'wm' : kind === 'external_wecom' ? 'wo' : kind === 'bot' ? 'wb' : 'staff.';
  const originalId = options.originalId ?? `${prefix}SUGGEST${uniqueSuffix()}`;
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO crm.identities (id_type, original_id, id_kind, wecom_nickname, business_name, user_role)
     VALUES ('user_id', $1, $2, $3, $4, $5) RETURNING id`,
    [originalId, kind, options.nickname ?? null, options.businessName ?? null, options.role ?? null],
  );
  return { id: rows[0]!.id, originalId };
}

export async function addRoom(pool: pg.Pool, options: { nickname?: string | null; businessName?: string | null; kind?: IdKind }): Promise<string> {
  const kind = options.kind ?? 'customer_group';
  const originalId = kind === 'customer_group' ? `wrSUGGEST${uniqueSuffix()}` : `9${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  await pool.query(
    `INSERT INTO crm.identities (id_type, original_id, id_kind, wecom_nickname, business_name) VALUES ('room_id', $1, $2, $3, $4)`,
    [originalId, kind, options.nickname ?? null, options.businessName ?? null],
  );
  return originalId;
}

export async function addStudent(pool: pg.Pool, options: { name: string; englishName?: string; classId: number; status?: string }): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    'INSERT INTO crm.students (name, english_name, status) VALUES ($1, $2, $3) RETURNING id',
    [options.name, options.englishName ?? null, options.status ?? '在读'],
  );
  await pool.query('INSERT INTO crm.enrolments (student_id, class_id) VALUES ($1, $2)', [rows[0]!.id, options.classId]);
  return rows[0]!.id;
}

let dayCounter = 0;

/** One day's activity of an id in a room (null = 1:1 chats); each call is a new day, so calls add up. */
export async function addActivity(pool: pg.Pool, originalId: string, roomId: string | null, counts: { sent?: number; received?: number }): Promise<void> {
  dayCounter += 1;
  await pool.query(
    `INSERT INTO crm.identity_activity (original_id, room_id, day, sent, received, last_at)
     VALUES ($1, $2, DATE '2025-01-01' + $3::int, $4, $5, now())`,
    [originalId, roomId, dayCounter, counts.sent ?? 0, counts.received ?? 0],
  );
  // what the extraction keeps beside the activity, in the same way
  await pool.query(
    `INSERT INTO crm.identity_room_totals AS t (original_id, room_id, sent, received, last_at, active_days)
     VALUES ($1, $2, $3, $4, now(), datemultirange(daterange(DATE '2025-01-01' + $5::int, DATE '2025-01-01' + $5::int, '[]')))
     ON CONFLICT ON CONSTRAINT identity_room_totals_key DO UPDATE SET sent = t.sent + EXCLUDED.sent, received = t.received + EXCLUDED.received,
       last_at = EXCLUDED.last_at, active_days = t.active_days + EXCLUDED.active_days`,
    [originalId, roomId, counts.sent ?? 0, counts.received ?? 0, dayCounter],
  );
  await pool.query('INSERT INTO crm.extractions (run_id, whole_archive, seen_ids, new_ids, activity_rows, duration_ms) VALUES (NULL, false, 1, 0, 1, 0)');
}

/** Every suggestion of a kind (all pages), for looking one up by id. */
export async function allSuggestions(pool: pg.Pool, kind?: SuggestionKind): Promise<Suggestion[]> {
  const items: Suggestion[] = [];
  let cursor: string | undefined;
  do {
    const page = await suggest(pool, { kind, limit: 200, cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

export async function suggestionFor(pool: pg.Pool, kind: SuggestionKind, originalId: string): Promise<Suggestion | undefined> {
  return (await allSuggestions(pool, kind)).find((item) => item.originalId === originalId);
}
