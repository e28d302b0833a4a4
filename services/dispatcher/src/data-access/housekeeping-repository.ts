import type { Queryable } from '@doitcrm/kit';

const BEIJING = 'Asia/Shanghai';
const PARTITION = /^trace_events_p(\d{4})(\d{2})(\d{2})$/u;

/** Beijing days from `today + fromOffset` to `today + toOffset`, as YYYY-MM-DD. */
async function beijingDays(db: Queryable, now: Date, fromOffset: number, toOffset: number): Promise<string[]> {
  const { rows } = await db.query<{ day: string }>(
    `SELECT (($1::timestamptz AT TIME ZONE '${BEIJING}')::date + n)::text AS day FROM generate_series($2::int, $3::int) AS n ORDER BY n`,
    [now, fromOffset, toOffset]);
  return rows.map((row) => row.day);
}

const partitionName = (day: string) => `trace_events_p${day.replaceAll('-', '')}`;

/**
 * Creates one partition of dispatch.trace_events per Beijing day for the next `daysAhead` days, so each day's events
 * land in a table retention can drop whole. Days that already have rows in the default partition are skipped
 * (PostgreSQL refuses such a partition); those rows are deleted by age instead.
 */
export async function createTracePartitionsAhead(db: Queryable, now: Date, daysAhead: number): Promise<{ created: string[]; skipped: string[] }> {
  const created: string[] = [];
  const skipped: string[] = [];
  for (const day of await beijingDays(db, now, 1, daysAhead)) {
    if (!/^\d{4}-\d{2}-\d{2}$/u.test(day)) throw new Error(`unexpected day ${day}`);
    const name = partitionName(day);
    const exists = await db.query('SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2', ['dispatch', name]);
    if (exists.rows.length > 0) continue;
    const early = await db.query(
      `SELECT 1 FROM dispatch.trace_events_default WHERE at >= ($1::date)::timestamp AT TIME ZONE '${BEIJING}' AND at < ($1::date + 1)::timestamp AT TIME ZONE '${BEIJING}' LIMIT 1`, [day]);
    if (early.rows.length > 0) {
      skipped.push(day);
      continue;
    }
    // the name and bounds come from a checked date, never from input: identifiers cannot be bound parameters
    await db.query(`CREATE TABLE IF NOT EXISTS dispatch.${name} PARTITION OF dispatch.trace_events
      FOR VALUES FROM ('${day} 00:00:00+08') TO ('${nextDay(day)} 00:00:00+08')`);
    created.push(day);
  }
  return { created, skipped };
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** The first Beijing day kept: today − retentionDays (with 7, today and the seven days before it). */
export async function firstKeptDay(db: Queryable, now: Date, retentionDays: number): Promise<string> {
  return (await beijingDays(db, now, -retentionDays, -retentionDays))[0]!;
}

/** Drops the daily partitions of days before `firstKept`; returns their names. */
export async function dropExpiredTracePartitions(db: Queryable, firstKept: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'dispatch.trace_events'::regclass ORDER BY c.relname`);
  const dropped: string[] = [];
  for (const { name } of rows) {
    const match = PARTITION.exec(name);
    if (!match || `${match[1]}-${match[2]}-${match[3]}` >= firstKept) continue;
    await db.query(`DROP TABLE dispatch.${name}`);
    dropped.push(name);
  }
  return dropped;
}

/** Deletes one batch of default-partition events older than `firstKept` (Beijing midnight); returns how many. */
export async function deleteExpiredDefaultTraceBatch(db: Queryable, firstKept: string, batchSize: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM dispatch.trace_events_default WHERE ctid = ANY (ARRAY(
       SELECT ctid FROM dispatch.trace_events_default WHERE at < ($1::date)::timestamp AT TIME ZONE '${BEIJING}' LIMIT $2))`,
    [firstKept, batchSize]);
  return rowCount ?? 0;
}

/**
 * Deletes one batch of (alert, rule) records older than `days`: they guard against a redelivered alert.raised (hours
 * at most) and feed the digest window (a day at most), so a month is plenty.
 */
export async function deleteOldAlertDeliveryBatch(db: Queryable, days: number, batchSize: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM dispatch.alert_deliveries WHERE (alert_id, rule_id) IN (
       SELECT alert_id, rule_id FROM dispatch.alert_deliveries WHERE received_at < now() - make_interval(days => $1) LIMIT $2)`,
    [days, batchSize]);
  return rowCount ?? 0;
}

/**
 * Deletes one batch of settled delivery receipts older than `days`: their verdict is on the message and their fields in
 * its trace; the row only guards against a replay, which providers stop within days.
 */
export async function deleteOldReceiptBatch(db: Queryable, days: number, batchSize: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM dispatch.delivery_receipts WHERE id IN (
       SELECT id FROM dispatch.delivery_receipts WHERE received_at < now() - make_interval(days => $1) AND state <> 'pending' LIMIT $2)`,
    [days, batchSize]);
  return rowCount ?? 0;
}
