import type { Queryable } from '@doitcrm/kit';
import type { IdKind } from '@doitcrm/types';

export interface SeenId {
  idType: 'user_id' | 'room_id';
  originalId: string;
  firstSeen: Date;
  lastSeen: Date;
}

/** Beijing days, both inclusive. */
export interface DayWindow {
  fromDay: string;
  toDay: string;
}

/** An import run's messages, the whole archive, or the messages of some days (a whole-archive job's step). */
export type ExtractionScope = { runId: number } | { all: true } | { days: DayWindow; timezone: string };

function scopeCondition(scope: ExtractionScope, parameterIndex: number): { sql: string; values: unknown[] } {
  if ('runId' in scope) return { sql: `import_run_id = $${parameterIndex}`, values: [scope.runId] };
  if ('days' in scope) {
    const [from, to, zone] = [parameterIndex, parameterIndex + 1, parameterIndex + 2].map((n) => `$${n}`);
    return {
      sql: `msgtime >= (${from}::date::timestamp AT TIME ZONE ${zone}) AND msgtime < ((${to}::date + 1)::timestamp AT TIME ZONE ${zone})`,
      values: [scope.days.fromDay, scope.days.toDay, scope.timezone],
    };
  }
  return { sql: 'true', values: [] };
}

/**
 * Adds ids not known yet and widens the seen window of known ones. Never touches what people or WeCom wrote
 * (names, roles, notes), and leaves rows whose window already holds what was seen untouched. Returns how many ids
 * were new.
 */
export async function upsertSeenIds(db: Queryable, ids: Array<SeenId & { idKind: IdKind }>): Promise<number> {
  if (ids.length === 0) return 0;
  const { rows } = await db.query<{ created: boolean }>(
    `INSERT INTO crm.identities (id_type, original_id, id_kind, first_seen_at, last_seen_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[])
     ON CONFLICT (id_type, original_id) DO UPDATE SET
       first_seen_at = least(crm.identities.first_seen_at, EXCLUDED.first_seen_at),
       last_seen_at = greatest(crm.identities.last_seen_at, EXCLUDED.last_seen_at)
     -- an id whose window already covers what was seen keeps its row version: rewriting it on every extraction
     -- bloated crm.identities to hundreds of pages for a few thousand rows
     WHERE crm.identities.first_seen_at IS DISTINCT FROM least(crm.identities.first_seen_at, EXCLUDED.first_seen_at)
        OR crm.identities.last_seen_at IS DISTINCT FROM greatest(crm.identities.last_seen_at, EXCLUDED.last_seen_at)
     RETURNING (xmax = 0) AS created`,
    [ids.map((id) => id.idType), ids.map((id) => id.originalId), ids.map((id) => id.idKind),
      ids.map((id) => id.firstSeen), ids.map((id) => id.lastSeen)],
  );
  return rows.filter((row) => row.created).length;
}

/** The Beijing days the scoped messages fall on, as one [from, to) window of instants. */
export async function scopeWindow(db: Queryable, scope: ExtractionScope, timezone: string): Promise<DayWindow | null> {
  if ('days' in scope) return scope.days;
  const where = scopeCondition(scope, 2);
  const { rows } = await db.query<{ from_day: string | null; to_day: string | null }>(
    // the day of the first and last instant, not the least and greatest day: the same answer (the day only grows
    // with the instant), and min/max of msgtime come from the time index where the day of every row reads them all
    `SELECT ((min(msgtime) AT TIME ZONE $1)::date)::text AS from_day, ((max(msgtime) AT TIME ZONE $1)::date)::text AS to_day
     FROM chat.messages WHERE ${where.sql}`,
    [timezone, ...where.values],
  );
  const row = rows[0]!;
  return row.from_day && row.to_day ? { fromDay: row.from_day, toDay: row.to_day } : null;
}

/**
 * Rebuilds the activity rows of whole days from chat.messages: delete and recount, so handling the same run twice,
 * or a run that re-imported old days, leaves exactly the right counts. The all-time per-(id, chat) totals move by
 * the difference: what the old rows of those days held goes out, what the recount found comes in. The same read of
 * the days yields every id they mention with its first and last message, so chat.messages is read once per step
 * (it was read twice: at 10M messages a month of the archive is ~770k rows).
 */
export async function rebuildActivity(db: Queryable, window: { fromDay: string; toDay: string }, timezone: string): Promise<{ activityRows: number; seen: SeenId[] }> {
  // what the old rows of these days held, kept aside so each total moves once, by the net difference
  await db.query(`CREATE TEMP TABLE IF NOT EXISTS extraction_gone (original_id text NOT NULL, room_id text, sent int NOT NULL, received int NOT NULL)
    ON COMMIT DELETE ROWS`);
  await db.query('TRUNCATE extraction_gone');
  await db.query(
    `WITH removed AS (DELETE FROM crm.identity_activity WHERE day BETWEEN $1::date AND $2::date RETURNING original_id, room_id, sent, received)
     INSERT INTO extraction_gone SELECT original_id, room_id, sum(sent)::int, sum(received)::int FROM removed GROUP BY original_id, room_id`,
    [window.fromDay, window.toDay]);
  // Switch records name a member, not a conversation partner: left out. Every recipient counts, because silent
  // group members appear nowhere else.
  const { rows } = await db.query<{ id_type: 'user_id' | 'room_id'; original_id: string; first_seen: Date; last_seen: Date; activity_rows: number }>(
    `WITH scoped AS (
       SELECT room_id, from_id, to_ids, msgtime, (msgtime AT TIME ZONE $3)::date AS day FROM chat.messages
       WHERE msgtime >= ($1::date::timestamp AT TIME ZONE $3) AND msgtime < (($2::date + 1)::timestamp AT TIME ZONE $3)
         AND msgtype <> 'switch'),
     grouped AS MATERIALIZED (
       SELECT original_id, room_id, day, sum(sent)::int AS sent, sum(received)::int AS received, min(msgtime) AS first_at, max(msgtime) AS last_at
       FROM (
         SELECT from_id AS original_id, room_id, day, 1 AS sent, 0 AS received, msgtime FROM scoped WHERE from_id IS NOT NULL
         UNION ALL SELECT recipient, room_id, day, 0, 1, msgtime FROM scoped, unnest(to_ids) AS recipient
       ) activity
       WHERE original_id <> ''
       GROUP BY original_id, room_id, day),
     written AS (
       INSERT INTO crm.identity_activity (original_id, room_id, day, sent, received, last_at)
       SELECT original_id, room_id, day, sent, received, last_at FROM grouped)
     SELECT id_type, original_id, first_seen, last_seen, (SELECT count(*) FROM grouped)::int AS activity_rows FROM (
       SELECT 'user_id' AS id_type, original_id, min(first_at) AS first_seen, max(last_at) AS last_seen FROM grouped GROUP BY original_id
       UNION ALL
       SELECT 'room_id', room_id, min(first_at), max(last_at) FROM grouped WHERE room_id IS NOT NULL GROUP BY room_id
     ) seen`,
    [window.fromDay, window.toDay, timezone],
  );
  // Archive rows are never deleted, so a pair's last message and its active days can only grow. A pair whose days
  // were recounted to what they held keeps its row version: the subtract-then-add this replaces rewrote every pair
  // of the window twice (~85k dead rows in crm.identity_room_totals at 2M messages).
  await db.query(
    `WITH counted AS (
       SELECT original_id, room_id, sum(sent)::int AS sent, sum(received)::int AS received, max(last_at) AS last_at,
         range_agg(daterange(day, day, '[]')) AS active_days
       FROM crm.identity_activity WHERE day BETWEEN $1::date AND $2::date GROUP BY original_id, room_id)
     INSERT INTO crm.identity_room_totals AS t (original_id, room_id, sent, received, last_at, active_days)
     SELECT coalesce(c.original_id, g.original_id), coalesce(c.room_id, g.room_id),
       coalesce(c.sent, 0) - coalesce(g.sent, 0), coalesce(c.received, 0) - coalesce(g.received, 0),
       -- a pair none of the recounted days holds any more only ever meets its row (NOT NULL is checked first)
       coalesce(c.last_at, '-infinity'), coalesce(c.active_days, '{}'::datemultirange)
     FROM counted c FULL JOIN extraction_gone g ON g.original_id = c.original_id AND g.room_id IS NOT DISTINCT FROM c.room_id
     ON CONFLICT ON CONSTRAINT identity_room_totals_key DO UPDATE SET sent = t.sent + EXCLUDED.sent,
       received = t.received + EXCLUDED.received, last_at = greatest(t.last_at, EXCLUDED.last_at),
       active_days = t.active_days + EXCLUDED.active_days
     WHERE EXCLUDED.sent <> 0 OR EXCLUDED.received <> 0 OR EXCLUDED.last_at > t.last_at
        OR NOT t.active_days @> EXCLUDED.active_days`,
    [window.fromDay, window.toDay]);
  await db.query('DELETE FROM crm.identity_room_totals WHERE sent = 0 AND received = 0');
  return {
    activityRows: rows[0]?.activity_rows ?? 0,
    seen: rows.map((row) => ({ idType: row.id_type, originalId: row.original_id, firstSeen: row.first_seen, lastSeen: row.last_seen })),
  };
}

export async function markRunExtracted(db: Queryable, runId: number, newIds: number): Promise<boolean> {
  const result = await db.query(
    'INSERT INTO crm.extracted_runs (run_id, new_ids) VALUES ($1, $2) ON CONFLICT (run_id) DO NOTHING', [runId, newIds]);
  return (result.rowCount ?? 0) > 0;
}

/** Runs a whole-archive extraction covered: their ids are extracted, and a late event or a start's catch-up skips them. */
export async function markRunsExtracted(db: Queryable, runIds: number[]): Promise<void> {
  if (runIds.length === 0) return;
  await db.query(
    'INSERT INTO crm.extracted_runs (run_id, new_ids) SELECT unnest($1::bigint[]), 0 ON CONFLICT (run_id) DO NOTHING', [runIds]);
}

/**
 * Import runs whose ids were never extracted: their chat.ingested was lost (published before the mapper's queue
 * existed, on a first start) or is still waiting. Oldest first.
 */
export async function findUnextractedRuns(db: Queryable): Promise<number[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT r.id FROM chat.import_runs r
     WHERE r.status = 'succeeded' AND NOT EXISTS (SELECT 1 FROM crm.extracted_runs e WHERE e.run_id = r.id)
     ORDER BY r.id`);
  return rows.map((row) => Number(row.id));
}

/** Ids the archive has mentioned at all (ids only entered by hand have never been seen). */
export async function countSeenIdentities(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM crm.identities WHERE last_seen_at IS NOT NULL');
  return rows[0]!.n;
}

export async function recordExtraction(db: Queryable, entry: { runId: number | null; seenIds: number; newIds: number; activityRows: number; durationMs: number }): Promise<void> {
  await db.query(
    `INSERT INTO crm.extractions (run_id, whole_archive, seen_ids, new_ids, activity_rows, duration_ms) VALUES ($1, $2, $3, $4, $5, $6)`,
    [entry.runId, entry.runId === null, entry.seenIds, entry.newIds, entry.activityRows, Math.round(entry.durationMs)]);
}

/** Members and messages of the groups active in the window, from the per-(id, chat) totals. */
export async function refreshRoomStats(db: Queryable, window: { fromDay: string; toDay: string }): Promise<void> {
  await db.query(
    `WITH touched AS (SELECT DISTINCT room_id FROM crm.identity_activity WHERE room_id IS NOT NULL AND day BETWEEN $1::date AND $2::date)
     INSERT INTO crm.room_stats (room_id, member_count, message_count, last_at)
     SELECT t.room_id, count(*)::int, sum(t.sent)::int, max(t.last_at)
     FROM crm.identity_room_totals t JOIN touched USING (room_id)
     GROUP BY t.room_id
     ON CONFLICT (room_id) DO UPDATE SET member_count = EXCLUDED.member_count, message_count = EXCLUDED.message_count, last_at = EXCLUDED.last_at`,
    [window.fromDay, window.toDay],
  );
}

/** All-time totals and last group of the ids active in the window, from the per-(id, chat) totals. */
export async function refreshIdentityTotals(db: Queryable, window: { fromDay: string; toDay: string }): Promise<void> {
  await db.query(
    `WITH touched AS (SELECT DISTINCT original_id FROM crm.identity_activity WHERE day BETWEEN $1::date AND $2::date)
     INSERT INTO crm.identity_totals (original_id, sent, received, last_room_id, last_room_at, active_days)
     SELECT t.original_id, sum(t.sent)::int, sum(t.received)::int,
       (array_agg(t.room_id ORDER BY t.last_at DESC) FILTER (WHERE t.room_id IS NOT NULL))[1],
       max(t.last_at) FILTER (WHERE t.room_id IS NOT NULL), range_agg(t.active_days)
     FROM crm.identity_room_totals t JOIN touched USING (original_id)
     GROUP BY t.original_id
     ON CONFLICT (original_id) DO UPDATE SET sent = EXCLUDED.sent, received = EXCLUDED.received,
       last_room_id = EXCLUDED.last_room_id, last_room_at = EXCLUDED.last_room_at, active_days = EXCLUDED.active_days`,
    [window.fromDay, window.toDay],
  );
}
