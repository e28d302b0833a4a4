import { toIso, type Queryable } from '@doitcrm/kit';
import type { ScheduleName } from '../contract.ts';
import type { ScheduleRow } from '../domain/schedule-settings.ts';

export interface StoredSchedule extends ScheduleRow {
  updatedAt: string;
  updatedBy: string | null;
}

interface Row { name: ScheduleName; enabled: boolean; minute: number; hour: number | null; weekday: number | null; updated_at: Date; updated_by: string | null }

export async function readSchedules(db: Queryable): Promise<StoredSchedule[]> {
  const { rows } = await db.query<Row>('SELECT name, enabled, minute, hour, weekday, updated_at, updated_by FROM contacts.schedule_settings');
  return rows.map((row) => ({
    name: row.name, enabled: row.enabled, minute: row.minute, hour: row.hour, weekday: row.weekday,
    updatedAt: toIso(row.updated_at)!, updatedBy: row.updated_by,
  }));
}

/** A cheap token that changes with any write, so every instance's runner can poll it often. */
export async function schedulesFingerprint(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ f: string | null }>('SELECT max(updated_at)::text || count(*) AS f FROM contacts.schedule_settings');
  return rows[0]?.f ?? '';
}

export async function saveSchedules(db: Queryable, rows: ScheduleRow[], updatedBy: string | null): Promise<void> {
  await db.query(
    `INSERT INTO contacts.schedule_settings (name, enabled, minute, hour, weekday, updated_by)
     SELECT name, enabled, minute, hour, weekday, $2 FROM jsonb_to_recordset($1::jsonb)
       AS r(name text, enabled boolean, minute smallint, hour smallint, weekday smallint)
     ON CONFLICT (name) DO UPDATE SET enabled = EXCLUDED.enabled, minute = EXCLUDED.minute, hour = EXCLUDED.hour,
       weekday = EXCLUDED.weekday, updated_by = EXCLUDED.updated_by, updated_at = clock_timestamp()`,
    [JSON.stringify(rows), updatedBy],
  );
}
