import { auditAs, recordAudit, withTransaction, type Actor, type Pool } from '@doitcrm/kit';
import type { DashboardSettings } from '../contract.ts';
import { readSettings, writeSettings, type SettingsChange } from '../data-access/settings-repository.ts';
import { evaluateAlerts } from './evaluate-alerts.ts';
import { applySettingsToRollups } from './refresh-rollups.ts';

/**
 * An admin's new thresholds: saved with an audit row holding the before and after (they decide what the principal
 * is alerted about), then the rollups that depend on what changed are recomputed and the alerts re-evaluated, so
 * the next page load already reflects them. Returns the saved settings.
 */
export async function updateSettings(pool: Pool, actor: Actor, change: SettingsChange, options: { timezone: string }): Promise<DashboardSettings> {
  const keywords = [...new Set(change.keywords)];
  const { before, after } = await withTransaction(pool, async (client) => {
    const previous = await readSettings(client);
    const saved = await writeSettings(client, { ...change, keywords }, actor.userId);
    await recordAudit(client, auditAs(actor, {
      service: 'dashboard', action: 'dashboard.settings.update', targetType: 'settings', targetId: 1, details: { before: previous, after: saved },
    }));
    return { before: previous, after: saved };
  });
  await applySettingsToRollups(pool, {
    timezone: options.timezone,
    engagementChanged: JSON.stringify(before.engagement) !== JSON.stringify(after.engagement),
    keywordsChanged: JSON.stringify(before.keywords) !== JSON.stringify(after.keywords),
  });
  await evaluateAlerts(pool, options);
  return after;
}
