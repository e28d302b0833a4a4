import type { Queryable } from '@doitcrm/kit';

export interface RosterSettings {
  storeNationalId: boolean;
}

/** forShare: holds the setting until the transaction ends, so turning storing off (which updates the row) waits for it */
export async function readSettings(db: Queryable, options: { forShare?: boolean } = {}): Promise<RosterSettings> {
  const { rows } = await db.query<RosterSettings>(`SELECT store_national_id AS "storeNationalId" FROM crm.roster_settings${options.forShare ? ' FOR SHARE' : ''}`);
  return rows[0] ?? { storeNationalId: false };
}

export async function writeSettings(db: Queryable, settings: RosterSettings, userId: number | null): Promise<void> {
  await db.query(
    `INSERT INTO crm.roster_settings (singleton, store_national_id, updated_by) VALUES (true, $1, $2)
     ON CONFLICT (singleton) DO UPDATE SET store_national_id = EXCLUDED.store_national_id, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [settings.storeNationalId, userId],
  );
}
