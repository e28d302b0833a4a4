import type { Queryable } from '@doitcrm/kit';
import type { DashboardSettings } from '../contract.ts';

interface SettingsRow {
  engagement_include_direct: boolean;
  engagement_text_only: boolean;
  silent_days: number;
  heat_high: number;
  heat_mid: number;
  heat_low: number;
  slow_response_minutes: number;
  alert_window_days: number;
  keywords: string[];
  updated_at: Date;
}

const toSettings = (row: SettingsRow): DashboardSettings => ({
  engagement: { includeDirect: row.engagement_include_direct, textOnly: row.engagement_text_only },
  silentDays: row.silent_days,
  heat: { high: row.heat_high, mid: row.heat_mid, low: row.heat_low },
  slowResponseMinutes: row.slow_response_minutes,
  alertWindowDays: row.alert_window_days,
  keywords: row.keywords,
  updatedAt: row.updated_at.toISOString(),
});

export async function readSettings(db: Queryable): Promise<DashboardSettings> {
  const { rows } = await db.query<SettingsRow>('SELECT * FROM dashboard.settings WHERE id = 1');
  return toSettings(rows[0]!);
}

export type SettingsChange = Omit<DashboardSettings, 'updatedAt'>;

export async function writeSettings(db: Queryable, change: SettingsChange, userId: number | null): Promise<DashboardSettings> {
  const { rows } = await db.query<SettingsRow>(
    `UPDATE dashboard.settings SET engagement_include_direct = $1, engagement_text_only = $2, silent_days = $3,
       heat_high = $4, heat_mid = $5, heat_low = $6, slow_response_minutes = $7, alert_window_days = $8, keywords = $9,
       updated_at = now(), updated_by = $10
     WHERE id = 1 RETURNING *`,
    [change.engagement.includeDirect, change.engagement.textOnly, change.silentDays, change.heat.high, change.heat.mid,
      change.heat.low, change.slowResponseMinutes, change.alertWindowDays, change.keywords, userId],
  );
  return toSettings(rows[0]!);
}
