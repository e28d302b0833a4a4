import type { Queryable } from '@doitcrm/kit';

export interface RosterSettings {
  storeNationalId: boolean;
}

export async function readSettings(db: Queryable): Promise<RosterSettings> {
  const { rows } = await db.query<RosterSettings>('SELECT store_national_id AS "storeNationalId" FROM crm.roster_settings');
  return rows[0] ?? { storeNationalId: false };
}

export async function writeSettings(db: Queryable, settings: RosterSettings, userId: number | null): Promise<void> {
  await db.query(
    `INSERT INTO crm.roster_settings (singleton, store_national_id, updated_by) VALUES (true, $1, $2)
     ON CONFLICT (singleton) DO UPDATE SET store_national_id = EXCLUDED.store_national_id, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [settings.storeNationalId, userId],
  );
}
