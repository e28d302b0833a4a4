import { enqueueEvent, lockForTransaction, withTransaction, type Pool } from '@doitcrm/kit';
import {
  churnCandidates, keywordCandidates, silentParentCandidates, slowResponseCandidates,
} from '../data-access/alert-candidate-repository.ts';
import { resolveOthers, upsertAlerts } from '../data-access/alert-repository.ts';
import { markAlertsEvaluated } from '../data-access/refresh-state-repository.ts';
import { readSettings } from '../data-access/settings-repository.ts';
import { resolveWindow } from './day-window.ts';

export interface EvaluationResult {
  open: number;
  raised: number;
  resolved: number;
}

/**
 * Re-derives every alert from the rollups and stores the difference in one transaction: each new (or reopened)
 * alert is published as `alert.raised` through the outbox, so the event exists exactly when the alert does.
 * The first evaluation of an installation publishes nothing (hundreds of historical alerts are not news).
 */
export async function evaluateAlerts(pool: Pool, options: { timezone: string }): Promise<EvaluationResult> {
  return withTransaction(pool, async (client) => {
    await lockForTransaction(client, 'dashboard.alerts');
    const settings = await readSettings(client);
    const { window } = resolveWindow({ days: settings.alertWindowDays }, options.timezone);
    const candidates = [
      ...(await silentParentCandidates(client, settings.silentDays)),
      ...(await churnCandidates(client)),
      ...(await slowResponseCandidates(client, window, settings.slowResponseMinutes)),
      ...(await keywordCandidates(client, window)),
    ];
    // the very first evaluation is a backfill of the archive's history, not news: it is stored, not pushed
    const { rows: [state] } = await client.query<{ first: boolean }>('SELECT alerts_evaluated_at IS NULL AS first FROM dashboard.refresh_state WHERE id = 1');
    const raised = await upsertAlerts(client, candidates);
    for (const { id, candidate } of state!.first ? [] : raised) {
      await enqueueEvent(client, 'alert.raised', {
        alertId: id,
        kind: candidate.kind,
        severity: candidate.severity,
        classId: candidate.classId,
        title: candidate.title,
        evidenceUrl: candidate.evidenceQuery ? `/?${candidate.evidenceQuery}` : null,
      });
    }
    const resolved = await resolveOthers(client, candidates.map((candidate) => candidate.dedupeKey));
    await markAlertsEvaluated(client);
    return { open: candidates.length, raised: raised.length, resolved };
  });
}
